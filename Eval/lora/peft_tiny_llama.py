"""Regenerates Tests/Fixtures/lora/tiny-llama-peft/: a PEFT LoRA adapter trained 3 AdamW steps on
the tiny Llama fixture (HF layout, rotate-half q/k rows), and the loss it gives under transformers.
Yanfu loads the same folder onto the GGUF conversion of that model (q/k rows permuted by
llama.cpp's converter) and must reproduce the loss: this checks the q/k B-row permutation.

    ~/.cache/peers/venv/bin/python Eval/lora/peft_tiny_llama.py
"""
import json, os
import torch
from transformers import AutoModelForCausalLM
from peft import LoraConfig, get_peft_model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HF = os.path.join(ROOT, "Tests", "Fixtures", "llm", "tiny-llama", "hf")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "lora", "tiny-llama-peft")
torch.manual_seed(1)
model = AutoModelForCausalLM.from_pretrained(HF, dtype=torch.float32)
cfg = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
model = get_peft_model(model, cfg)
g = torch.Generator().manual_seed(2)
ids = torch.randint(3, 400, (1, 48), generator=g)
labels = ids.clone()
labels[0, :20] = -100
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-2, eps=1e-7)
for _ in range(3):
    loss = model(input_ids=ids, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
with torch.no_grad():
    loss = float(model(input_ids=ids, labels=labels).loss)
with model.disable_adapter(), torch.no_grad():
    base = float(model(input_ids=ids, labels=labels).loss)
model.save_pretrained(OUT)
os.remove(os.path.join(OUT, "README.md"))   # PEFT's model card: not needed by the test
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"ids": ids[0].tolist(), "first_target": 20, "loss_with_adapter": loss, "loss_base": base}, f)
print(base, loss)
