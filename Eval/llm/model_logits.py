"""Regenerates Tests/Fixtures/llm/logits/NAME.json: transformers (f32, the GGUF dequantized) next-token
top-20 logits and 32-token greedy continuations for fixed prompts on a GGUF model.

Run with the peers' venv:
  ~/.cache/peers/venv/bin/python Eval/llm/model_logits.py [MODEL.gguf [NAME]]
  (default: the Gemma 3 270M in the model cache, NAME gemma3-270m)
  ~/.cache/peers/venv/bin/python Eval/llm/model_logits.py ~/.cache/yanfu/models/qwen2.5-coder-0.5b-instruct.gguf qwen2.5-coder-0.5b-instruct
Base models get zh:/en: prompts; models with a chat template (Qwen) ChatML turns with the
Temp-LoRA paper's instruction, rendered by the model's own template. The prompts are stored as token
ids so the Swift test does not depend on the tokenizer.
"""
import json, os, sys
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models", "gemma-3-270m-q4_k_m.gguf")
NAME = sys.argv[2] if len(sys.argv) > 2 else "gemma3-270m"
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "hongloumeng", "zh.txt")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "llm", "logits", NAME + ".json")

torch.set_num_threads(2)
d, name = os.path.split(MODEL)
tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32).eval()

with open(CORPUS, encoding="utf-8") as f:
    long_text = f.read()[:1000]   # ~700 tokens: exercises the 512-key sliding window
if tok.chat_template:
    def chat(user):
        return tok.apply_chat_template([{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True)
    prompts = [
        chat("请将下面的文本翻译成英文。\n我们明天去北京。"),
        chat("请将下面的文本翻译成英文。\n宝玉听了，心中大喜。"),
        chat("The capital of France is"),
        chat("请将下面的文本翻译成英文。\n" + long_text),
    ]
else:
    prompts = [
        "zh: 他慢慢地走了出去。\nen: He slowly walked out.\nzh: 我们明天去北京。\nen:",
        "The capital of France is",
        "zh: 宝玉听了，心中大喜。\nen:",
        long_text,
    ]
cases = []
for p in prompts:
    ids = tok(p, add_special_tokens=not tok.chat_template)["input_ids"]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1]
        top = torch.topk(logits, 20)
        gen = model.generate(torch.tensor([ids]), max_new_tokens=32, do_sample=False,
                             output_scores=True, return_dict_in_generate=True)
    cont = gen.sequences[0, len(ids):].tolist()
    # Margin between the best and second-best logit at each greedy step: small margins are near-ties
    # where an f32 port may legitimately pick the other token.
    margins = []
    for s in gen.scores:
        t2 = torch.topk(s[0].float(), 2).values
        margins.append(float(t2[0] - t2[1]))
    cases.append({
        "prompt": p if len(p) < 200 else None,
        "prompt_ids": ids,
        "top_ids": top.indices.tolist(),
        "top_logits": [round(float(v), 6) for v in top.values],
        "greedy_ids": cont,
        "greedy_margins": [round(m, 5) for m in margins],
    })
    print(len(ids), top.indices.tolist()[:5], tok.decode(cont))
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT + ".tmp", "w") as f:
    json.dump({"model": name, "reference": "transformers f32 (GGUF dequantized)", "cases": cases}, f, ensure_ascii=False)
os.replace(OUT + ".tmp", OUT)
