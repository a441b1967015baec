#!/usr/bin/env python3
"""Builds the tiny Llama fixture in Tests/Fixtures/llm/tiny-llama/ (regenerate with the peers' venv):

  /root/.cache/peers/venv/bin/python Eval/llm/tiny_llama.py

- tokenizer.model: SentencePiece BPE (vocab 400, byte fallback, identity normalization) trained on a
  small mixed Chinese/English text written below. BPE, not unigram: llama.cpp encodes every `llama`
  vocabulary with BPE-by-score, so only a BPE model tokenizes identically in llama.cpp and HF.
- hf/: a random LlamaConfig model (hidden 64, 2 layers, 4 heads, 2 KV heads, FFN 128), weights drawn
  wider than the default init (std 0.1, RMSNorm weights 1 ± 0.1) so numeric bugs show in the logits,
  saved by transformers as F32 safetensors + config.json + tokenizer.model.
  hf-bf16/ and hf-f16/: the same model saved in bfloat16 / float16.
- tiny-llama-f32.gguf: hf/ converted by llama.cpp's convert_hf_to_gguf.py --outtype f32.
- expected_logits.json: for 3 prompts, ids = [BOS] + SentencePiece ids, and transformers' f32 logits at
  every position (F32 model, eager attention); plus the last-position logits of the bf16 and f16 models, and the
  llama-tokenize ids of a few strings on the GGUF.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import sentencepiece as spm
import torch
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "llm", "tiny-llama")
LLAMA = "/root/.cache/peers/llama"
CONVERT = os.path.join(LLAMA, "llama.cpp", "convert_hf_to_gguf.py")
TOKENIZE = os.path.join(LLAMA, "build", "bin", "llama-tokenize")

CORPUS_ZH = ["我们明天去北京。", "他慢慢地走了出去。", "今天天气很好，我们去公园散步吧。", "这本书是我朋友送给我的。",
             "她笑着说：“你来了！”", "山高水长，风清月明。", "小猫在窗台上睡觉。", "老师让我们读这篇文章。"]
CORPUS_EN = ["We will go to Beijing tomorrow.", "He slowly walked out.", "The weather is fine today, let us walk in the park.",
             "A friend of mine gave me this book.", "She smiled and said: \"You came!\"", "The mountains are high and the rivers long.",
             "The kitten is sleeping on the windowsill.", "The teacher asked us to read this article."]
PROMPTS = ["zh: 我们明天去北京。\nen: We will go to Beijing tomorrow.",
           "The kitten is sleeping on the windowsill.",
           "她笑着说：“你来了！” 🦙 3.14  tabs\tand  spaces"]
TOKENIZE_STRINGS = PROMPTS + ["", " Hello  world", "山高水长\n\n风清月明", "<s>x</s>y", "ünïcödé ✌🏽"]


def train_tokenizer(workdir):
    corpus = os.path.join(workdir, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        for i in range(300):
            f.write(f"{CORPUS_ZH[i % 8]} {CORPUS_EN[(i * 3) % 8]} {i}\n")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=os.path.join(workdir, "tokenizer"), vocab_size=400, model_type="bpe",
        byte_fallback=True, normalization_rule_name="identity", remove_extra_whitespaces=False,
        character_coverage=1.0, hard_vocab_limit=False, split_digits=True, num_threads=1, minloglevel=2)
    return os.path.join(workdir, "tokenizer.model")


def build_model(vocab_size):
    torch.manual_seed(1234)
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                         rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                         bos_token_id=1, eos_token_id=2, pad_token_id=None, initializer_range=0.1,
                         attn_implementation="eager")
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.1 * torch.randn_like(p))
    return model


def short(x):
    """The float32 value written with the fewest digits that read back to it (keeps the JSON small)."""
    return float(str(np.float32(x)))


def logits_of(model, ids, last_only=False):
    with torch.no_grad():
        rows = model(torch.tensor([ids])).logits[0].float().tolist()
    rows = rows[-1:] if last_only else rows
    return [[short(x) for x in row] for row in rows]


def main():
    os.makedirs(OUT, exist_ok=True)
    # A fixed work folder: SentencePiece stores the corpus path in tokenizer.model, so a random
    # temporary name would change the file on every run.
    work = os.path.join(tempfile.gettempdir(), "yanfu-tiny-llama-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        sp_path = train_tokenizer(work)
        sp = spm.SentencePieceProcessor(model_file=sp_path)
        model = build_model(sp.get_piece_size())
        folders = {"hf": torch.float32, "hf-bf16": torch.bfloat16, "hf-f16": torch.float16}
        for folder, dtype in folders.items():
            d = os.path.join(OUT, folder)
            shutil.rmtree(d, ignore_errors=True)
            m = model if dtype == torch.float32 else build_model(sp.get_piece_size()).to(dtype)
            m.save_pretrained(d, safe_serialization=True)
            shutil.copy(sp_path, os.path.join(d, "tokenizer.model"))
            for extra in ["generation_config.json"]:
                if os.path.exists(os.path.join(d, extra)):
                    os.remove(os.path.join(d, extra))
        gguf = os.path.join(OUT, "tiny-llama-f32.gguf")
        subprocess.run([sys.executable, CONVERT, os.path.join(OUT, "hf"), "--outtype", "f32", "--outfile", gguf],
                       check=True, capture_output=True)

        prompts = []
        # The half models' references: their weights rounded to bf16/f16, computed in f32. Only
        # parameters are rounded; `.to(bfloat16)` would also round the RoPE inv_freq buffer.
        half = {}
        for k, v in folders.items():
            if k == "hf":
                continue
            m = build_model(sp.get_piece_size())
            with torch.no_grad():
                for p in m.parameters():
                    p.copy_(p.to(v).float())
            half[k] = m
        for text in PROMPTS:
            ids = [sp.bos_id()] + sp.encode(text)
            entry = {"text": text, "ids": ids, "logits": logits_of(model, ids)}
            for k, m in half.items():
                entry["last_logits_" + k.replace("hf-", "")] = logits_of(m, ids, last_only=True)[0]
            prompts.append(entry)
        tokenized = []
        for text in TOKENIZE_STRINGS:
            out = subprocess.run([TOKENIZE, "-m", gguf, "--stdin", "--ids", "--log-disable", "--no-escape"],
                                 input=text.encode(), capture_output=True, check=True).stdout.decode()
            tokenized.append({"text": text, "llama_cpp_ids": json.loads(out.strip().splitlines()[-1]),
                              "sentencepiece_ids": [sp.bos_id()] + sp.encode(text)})
        result = {"config": model.config.to_dict() | {"torch_dtype": "float32"}, "prompts": prompts, "tokenize": tokenized,
                  "note": "logits: every position, F32 model. last_logits_bf16/_f16: last position of the hf-bf16/hf-f16 weights upcast to f32, computed in f32 (RoPE inv_freq kept in f32)"}
        with open(os.path.join(OUT, "expected_logits.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for root, _, files in os.walk(OUT):
        for name in sorted(files):
            print(os.path.relpath(os.path.join(root, name), ROOT), os.path.getsize(os.path.join(root, name)))



if __name__ == "__main__":
    main()
