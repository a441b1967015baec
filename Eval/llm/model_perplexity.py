"""Reference perplexities for PerplexityTests, llama-perplexity's protocol (research notes §5): the
first 60,000 bytes of 紅樓夢, ctx 512, 8 chunks, with transformers (f32, the GGUF dequantized) and
llama-perplexity (when built), written to Tests/Fixtures/llm/ppl/NAME-hongloumeng-zh-60000.json.

  ~/.cache/peers/venv/bin/python Eval/llm/model_perplexity.py [MODEL.gguf [NAME]]
  (default: the Gemma 3 270M in the model cache; its fixture is hongloumeng-zh-60000.json, whose
  llama.cpp figures came from research/gemma3-and-llamacpp.md §5)
"""
import json, math, os, re, subprocess, sys, tempfile
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models", "gemma-3-270m-q4_k_m.gguf")
NAME = sys.argv[2] if len(sys.argv) > 2 else None
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "hongloumeng", "zh.txt")
CTX, CHUNKS, NBYTES = 512, 8, 60000

raw = open(CORPUS, "rb").read()[:NBYTES]
while raw and (raw[-1] & 0xC0) == 0x80:   # whole UTF-8 characters only: drop a cut one
    raw = raw[:-1]
if raw and raw[-1] >= 0xC0:
    raw = raw[:-1]
text = raw.decode("utf-8")
if text.endswith("\n"):
    text = text[:-1]

torch.set_num_threads(2)
d, name = os.path.split(MODEL)
tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32).eval()
# One BOS before the whole text when the model adds one (llama-perplexity follows add_bos: Gemma
# yes, Qwen no); special-token text is not parsed.
add_bos = tok("a", add_special_tokens=True)["input_ids"][0] == tok.bos_token_id and tok.bos_token_id is not None
ids = ([tok.bos_token_id] if add_bos else []) + tok(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]
n_chunks = min(CHUNKS, len(ids) // CTX)
nll, running = [], []
for i in range(n_chunks):
    chunk = ids[i * CTX:(i + 1) * CTX]
    if add_bos:
        chunk[0] = tok.bos_token_id
    with torch.no_grad():
        logits = model(torch.tensor([chunk])).logits[0].double()
    lsm = torch.log_softmax(logits, -1)
    for j in range(CTX // 2, CTX - 1):
        nll.append(-float(lsm[j, chunk[j + 1]]))
    running.append(math.exp(sum(nll) / len(nll)))
    print(f"[{i + 1}]{running[-1]:.4f}", flush=True)
n = len(nll)
mean = sum(nll) / n
var = sum(v * v for v in nll) / n - mean * mean
ppl = math.exp(mean)
stderr = ppl * math.sqrt(var / (n - 1))
print(f"transformers f32: PPL = {ppl:.4f} +/- {stderr:.5f} over {n} tokens")

llama_cpp = None
exe = "/root/.cache/peers/llama/build/bin/llama-perplexity"
if os.path.exists(exe):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
    out = subprocess.run([exe, "-m", MODEL, "-f", f.name, "-c", str(CTX), "--chunks", str(CHUNKS), "-t", "2"],
                         capture_output=True, text=True)
    log = out.stdout + out.stderr
    final = re.search(r"Final estimate: PPL = ([\d.]+) \+/- ([\d.]+)", log)
    if final:
        llama_cpp = {"ppl": float(final.group(1)), "ppl_stderr": float(final.group(2)),
                     "running": [float(x) for x in re.findall(r"\[\d+\]([\d.]+)", log)]}
    print("llama-perplexity:", llama_cpp)

if NAME:
    out = os.path.join(ROOT, "Tests", "Fixtures", "llm", "ppl", f"{NAME}-hongloumeng-zh-60000.json")
    with open(out, "w") as f:
        json.dump({"file": "../shared/corpora/hongloumeng/zh.txt", "model": name, "bytes": NBYTES, "ctx": CTX,
                   "chunks": CHUNKS, "tokens_scored": n,
                   "transformers_f32": {"ppl": round(ppl, 4), "ppl_stderr": round(stderr, 5), "first_chunk": round(running[0], 4)},
                   "llama_cpp": llama_cpp, "source": "Eval/llm/model_perplexity.py"}, f, indent=1)
        f.write("\n")
