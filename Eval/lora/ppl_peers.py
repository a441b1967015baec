"""Perplexity of a text with and without a LoRA adapter under transformers + PEFT (f32, the GGUF
dequantized), with llama-perplexity's protocol (the one `yanfu perplexity` follows): one BOS
before the text and windows of CTX tokens whose first token is replaced by BOS when the model adds
one (Gemma; Qwen does not), only the second half of each window scored.

    ~/.cache/peers/venv/bin/python Eval/lora/ppl_peers.py TEXT ADAPTER_DIR [CTX] [MODEL.gguf]
Prints one JSON line {"ppl_base", "ppl_adapter", "tokens_scored"}.
"""
import json, math, os, sys
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel

text_path, adapter_dir = sys.argv[1], sys.argv[2]
CTX = int(sys.argv[3]) if len(sys.argv) > 3 else 512
MODEL = sys.argv[4] if len(sys.argv) > 4 else os.path.join(
    os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models", "gemma-3-270m-q4_k_m.gguf")
torch.set_num_threads(2)
d, name = os.path.split(MODEL)
tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
with open(text_path, encoding="utf-8") as f:
    text = f.read()
if text.endswith("\n"):
    text = text[:-1]
ids = tok(text, add_special_tokens=True)["input_ids"]
bos = tok.bos_token_id if tok.bos_token_id is not None and ids and ids[0] == tok.bos_token_id else None


def ppl(model):
    nll, n = 0.0, 0
    for c in range(len(ids) // CTX):
        w = ids[c * CTX:(c + 1) * CTX]
        if bos is not None:
            w[0] = bos
        with torch.no_grad():
            logits = model(torch.tensor([w])).logits[0].double()
        lp = torch.log_softmax(logits, dim=-1)
        for j in range(CTX // 2, CTX - 1):
            nll -= float(lp[j, w[j + 1]])
            n += 1
    return math.exp(nll / n), n


base = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32, attn_implementation="eager").eval()
p0, n = ppl(base)
model = PeftModel.from_pretrained(base, adapter_dir).eval()
p1, _ = ppl(model)
print(json.dumps({"ppl_base": p0, "ppl_adapter": p1, "tokens_scored": n, "ctx": CTX}))
