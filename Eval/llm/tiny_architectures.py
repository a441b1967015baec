#!/usr/bin/env python3
"""Builds the tiny-architecture fixtures in Tests/Fixtures/llm/tiny-arch/ (regenerate with the peers' venv):

  /root/.cache/peers/venv/bin/python Eval/llm/tiny_architectures.py

For each of qwen2 (q/k/v biases, tied head), qwen3 (per-head q/k RMSNorm, head_dim 16 with hidden
32 and 4 heads, untied head) and llama3 (Llama with rope_scaling rope_type llama3, GQA, untied head):
- <arch>/hf/: a random transformers model (weights drawn wider than the default init so numeric bugs
  show: std 0.1, norms 1 ± 0.1, biases std 0.3) saved as F32 safetensors + config.json.
- <arch>/model.gguf: the same weights as a GGUF file. llama3 goes through llama.cpp's own
  convert_hf_to_gguf.py (q/k rows permuted, rope_freqs.weight written by the converter; the folder
  borrows tiny-llama's SentencePiece tokenizer.model for it). qwen2/qwen3 are written with gguf-py
  under llama.cpp's tensor names (their converter needs a full BPE tokenizer): nothing permuted.
- <arch>/expected.json: the prompts (random ids) and where their logits start in logits.f32.
- <arch>/logits.f32: transformers' f32 logits (eager attention) at every position of every prompt,
  little-endian float32, prompt after prompt, row-major [position][vocab].
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "llm", "tiny-arch")
LLAMA = "/root/.cache/peers/llama/llama.cpp"
sys.path.insert(0, os.path.join(LLAMA, "gguf-py"))
import gguf  # noqa: E402  (llama.cpp's own gguf-py, the writer its converter uses)

PROMPT_LENGTHS = [9, 33, 70]   # 70 positions reach past llama3's original context of 32 here


def build(arch):
    torch.manual_seed({"qwen2": 11, "qwen3": 12, "llama3": 13}[arch])
    common = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-6,
                  attn_implementation="eager", bos_token_id=1, eos_token_id=2)
    if arch == "qwen2":
        cfg = Qwen2Config(vocab_size=128, rope_theta=1_000_000.0, tie_word_embeddings=True, use_sliding_window=False, **common)
        model = Qwen2ForCausalLM(cfg)
    elif arch == "qwen3":
        cfg = Qwen3Config(vocab_size=128, head_dim=16, rope_theta=1_000_000.0, tie_word_embeddings=False,
                          use_sliding_window=False, attention_bias=False, **common)
        model = Qwen3ForCausalLM(cfg)
    else:
        vocab = sentencepiece_vocab_size()
        scaling = {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0, "low_freq_factor": 1.0,
                   "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
        cfg = LlamaConfig(vocab_size=vocab, head_dim=16, tie_word_embeddings=False, rope_parameters=scaling, **common)
        model = LlamaForCausalLM(cfg)
    model.eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn_like(p))
            else:
                p.copy_(0.1 * torch.randn_like(p))
    return model


def sentencepiece_vocab_size():
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_file=tokenizer_model()).get_piece_size()


def tokenizer_model():
    return os.path.join(ROOT, "Tests", "Fixtures", "llm", "tiny-llama", "hf", "tokenizer.model")


def write_gguf(arch, model, path):
    """qwen2 / qwen3 weights under llama.cpp's names (GGUF dims are the reverse of torch shapes)."""
    c = model.config
    w = gguf.GGUFWriter(path, arch)
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_block_count(c.num_hidden_layers)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_rope_freq_base(c.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_vocab_size(c.vocab_size)
    head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    names = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
             "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
             "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
             "self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm"}
    for name, p in model.state_dict().items():
        if name == "model.embed_tokens.weight":
            out = "token_embd.weight"
        elif name == "model.norm.weight":
            out = "output_norm.weight"
        elif name == "lm_head.weight":
            if c.tie_word_embeddings:
                continue
            out = "output.weight"
        else:
            parts = name.split(".")   # model.layers.N.<module...>.<weight|bias>
            module = ".".join(parts[3:-1])
            out = f"blk.{parts[2]}.{names[module]}.{parts[-1]}"
        w.add_tensor(out, p.detach().float().numpy())
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    for arch in ["qwen2", "qwen3", "llama3"]:
        d = os.path.join(OUT, arch)
        hf = os.path.join(d, "hf")
        model = build(arch)
        model.save_pretrained(hf, safe_serialization=True)
        gen = os.path.join(hf, "generation_config.json")
        if os.path.exists(gen):
            os.remove(gen)
        gguf_path = os.path.join(d, "model.gguf")
        if arch == "llama3":
            shutil.copy(tokenizer_model(), os.path.join(hf, "tokenizer.model"))
            subprocess.run([sys.executable, os.path.join(LLAMA, "convert_hf_to_gguf.py"), hf, "--outtype", "f32",
                            "--outfile", gguf_path], check=True, capture_output=True)
            os.remove(os.path.join(hf, "tokenizer.model"))
        else:
            write_gguf(arch, model, gguf_path)
        rng = np.random.default_rng(7)
        prompts, rows = [], []
        for n in PROMPT_LENGTHS:
            ids = [int(x) for x in rng.integers(3, model.config.vocab_size, size=n)]
            with torch.no_grad():
                logits = model(torch.tensor([ids])).logits[0].float().numpy()
            prompts.append({"ids": ids, "first_row": sum(len(p["ids"]) for p in prompts)})
            rows.append(logits)
        np.concatenate(rows).astype("<f4").tofile(os.path.join(d, "logits.f32"))
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"architecture": arch, "vocab_size": model.config.vocab_size, "prompts": prompts,
                       "transformers": __import__("transformers").__version__}, f)
    for root, _, files in os.walk(OUT):
        for name in sorted(files):
            print(os.path.relpath(os.path.join(root, name), ROOT), os.path.getsize(os.path.join(root, name)))


if __name__ == "__main__":
    main()
