"""Regenerates Tests/Fixtures/lora/peft-parity.json (or peft-parity-NAME.json): three AdamW steps of
PEFT LoRA training on a GGUF model (transformers f32, the GGUF dequantized) from the initial adapter
Yanfu makes.

Run with the peers' venv from the package root, after `swift build -c release`:
    ~/.cache/peers/venv/bin/python Eval/lora/peft_parity.py [MODEL.gguf [NAME]]
    (default: the Gemma 3 270M in the model cache, written to peft-parity.json)
Yanfu writes the fresh adapter (A from seed 42, B = 0) with `yanfu finetune --max-steps 0`; PEFT
loads it, and torch.optim.AdamW + clip_grad_norm_ train it on a fixed masked token sequence.
The Swift test (LoRAPEFTParityTests) rebuilds the same adapter from the seed and compares.
"""
import json, os, subprocess, sys, tempfile
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models", "gemma-3-270m-q4_k_m.gguf")
YANFU = os.path.join(ROOT, ".build", "release", "yanfu")
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "hongloumeng", "en.txt")
NAME = sys.argv[2] if len(sys.argv) > 2 else None
OUT = os.path.join(ROOT, "Tests", "Fixtures", "lora", f"peft-parity-{NAME}.json" if NAME else "peft-parity.json")
RANK, ALPHA, LR, STEPS, N = 8, 16, 1e-3, 3, 160

torch.set_num_threads(2)
torch.manual_seed(0)
d, name = os.path.split(MODEL)
tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
with open(CORPUS, encoding="utf-8") as f:
    text = f.read()[5000:7000]
ids = tok(text, add_special_tokens=True)["input_ids"][:N]   # Qwen adds no BOS
mask = [i >= N // 2 for i in range(N)]
labels = [t if m else -100 for t, m in zip(ids, mask)]

work = tempfile.mkdtemp(prefix="yanfu-peft-parity-")
with open(os.path.join(work, "data.txt"), "w", encoding="utf-8") as f:
    f.write(text)
adapter_dir = os.path.join(work, "adapter")
subprocess.run([YANFU, "finetune", "--model", MODEL, "--data", os.path.join(work, "data.txt"), "--out", adapter_dir,
                "--rank", str(RANK), "--alpha", str(ALPHA), "--dropout", "0", "--max-steps", "0", "--ctx", "256"],
               check=True)

base = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32, attn_implementation="eager")
model = PeftModel.from_pretrained(base, adapter_dir, is_trainable=True)
model.train()
params = [p for p in model.parameters() if p.requires_grad]
print("trainable", sum(p.numel() for p in params))
opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.0)
x = torch.tensor([ids])
y = torch.tensor([labels])
losses, norms = [], []
for step in range(STEPS):
    loss = model(input_ids=x, labels=y).loss
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    opt.zero_grad()
    losses.append(float(loss))
    norms.append(float(norm))
    print(step, losses[-1], norms[-1])
with torch.no_grad():
    final = float(model(input_ids=x, labels=y).loss)
print("final", final)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT + ".tmp", "w") as f:
    json.dump({"model": name,
               "reference": "transformers %s + peft, f32, eager attention, torch.optim.AdamW" % __import__("transformers").__version__,
               "lora": {"rank": RANK, "alpha": ALPHA, "dropout": 0, "seed": 42, "targets": "q,k,v,o,gate,up,down"},
               "adamw": {"lr": LR, "betas": [0.9, 0.999], "eps": 1e-7, "weight_decay": 0, "warmup": 0, "max_grad_norm": 1.0},
               "ids": ids, "loss_mask": mask, "losses": losses, "grad_norms": norms, "final_loss": final}, f)
os.replace(OUT + ".tmp", OUT)
