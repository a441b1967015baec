"""Recomputes the transformers (f32) figure of Tests/Fixtures/llm/ppl/hongloumeng-zh-60000.json with
llama-perplexity's protocol (research notes §5), and runs llama-perplexity when it is built.

  ~/.cache/peers/venv/bin/python Eval/llm/gemma3_perplexity.py [MODEL.gguf]
"""
import math, os, subprocess, sys, tempfile
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models", "gemma-3-270m-q4_k_m.gguf")
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "hongloumeng", "zh.txt")
CTX, CHUNKS, NBYTES = 512, 8, 60000

raw = open(CORPUS, "rb").read()[:NBYTES]
while raw and (raw[-1] & 0xC0) == 0x80:   # whole UTF-8 characters only
    raw = raw[:-1]
text = raw.decode("utf-8")
if text.endswith("\n"):
    text = text[:-1]

torch.set_num_threads(2)
d, name = os.path.split(MODEL)
tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32).eval()
# One BOS before the whole text; special-token text is not parsed (llama-perplexity).
ids = [tok.bos_token_id] + tok(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]
n_chunks = min(CHUNKS, len(ids) // CTX)
nll = []
for i in range(n_chunks):
    chunk = ids[i * CTX:(i + 1) * CTX]
    chunk[0] = tok.bos_token_id
    with torch.no_grad():
        logits = model(torch.tensor([chunk])).logits[0].double()
    lsm = torch.log_softmax(logits, -1)
    for j in range(CTX // 2, CTX - 1):
        nll.append(-float(lsm[j, chunk[j + 1]]))
    print(f"[{i + 1}]{math.exp(sum(nll) / len(nll)):.4f}", flush=True)
n = len(nll)
mean = sum(nll) / n
var = sum(v * v for v in nll) / n - mean * mean
ppl = math.exp(mean)
print(f"transformers f32: PPL = {ppl:.4f} +/- {ppl * math.sqrt(var / (n - 1)):.5f} over {n} tokens")

exe = "/root/.cache/peers/llama/build/bin/llama-perplexity"
if os.path.exists(exe):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
    out = subprocess.run([exe, "-m", MODEL, "-f", f.name, "-c", str(CTX), "--chunks", str(CHUNKS), "-t", "2"],
                         capture_output=True, text=True)
    print([l for l in (out.stdout + out.stderr).splitlines() if "Final estimate" in l])
