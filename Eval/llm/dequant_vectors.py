#!/usr/bin/env python3
"""The dequantization vectors of Tests/LLMTests/DequantTests.swift, recomputed with gguf-py's own
dequantize (the `gguf` package, the reference implementation llama.cpp ships).

Run with the peers' venv from the package root (gguf 0.19.0, numpy):
    ~/.cache/peers/venv/bin/python Eval/llm/dequant_vectors.py [--check]

It prints, for each synthetic block (hex) and for the first row of each real tensor of the Gemma 3
270M GGUF in the model cache, the values the test asserts, with 9 significant digits (enough to
name an f32 exactly). With --check it also confirms that every printed vector appears verbatim in
DequantTests.swift, and exits 1 if one does not.
"""
import os
import sys

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFReader
from gguf.quants import dequantize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST = os.path.join(ROOT, "Tests", "LLMTests", "DequantTests.swift")
MODEL = os.path.join(os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models",
                     "gemma-3-270m-q4_k_m.gguf")

# The synthetic blocks of DequantTests (hex of one block) and the slices the test checks.
BLOCKS = [
    ("Q8_0", Q.Q8_0, "f210f447c7ddec3008cb3febf64d461063f00328d03c7fd3e7b5d8f916f2e2f53da7", [(0, 8)]),
    ("Q5_0", Q.Q5_0, "c017720b47dd3e6498cdc69510cb620ae80e27de515e", [(0, 8)]),
    ("Q4_0", Q.Q4_0, "0030a30a3c41d6ab24acc523a6ac6b9ce51e", [(0, 8), (28, 32)]),
    ("Q5_K", Q.Q5_K,
     "1f211f25f3fe08fa81ace9fcf7815461b43cde2b7cdd59ec8e3eda1a5246fe42841e87234658b051fa763a891f3a3b1e8751bdcb"
     "5265e43d9bf23ac986708b51dc4b22cbbce5cdf6fb0e55f5b68d7e4330df3c8ef7c6e570023835414d7e209c5d46a8e5084916dd"
     "74a85ea503391fddcd59ba849105c5acad3280f47786eda87027190cd49d5abcf2a919bd3c6206394868f9dd8b870c2ca566e9c9"
     "0084d3de3e969b7b403f650fcbaf8e29813c06af", [(0, 8), (32, 36), (252, 256)]),
]
# Real tensors of the default model (then Gemma 3 270M): first 8 values of row 0.
TENSORS = ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.attn_output.weight", "blk.0.ffn_down.weight",
           "blk.2.ffn_down.weight", "blk.0.attn_v.weight"]
SWIFT_TYPE = {Q.Q8_0: ".q8_0", Q.Q5_0: ".q5_0", Q.Q4_K: ".q4_K", Q.Q6_K: ".q6_K", Q.F32: ".f32"}


def fmt(x):
    """Swift test style: %.9g, an exact zero as 0, no trailing exponent noise."""
    x = float(np.float32(x))
    return "0" if x == 0 else "%.9g" % x


def vector(values):
    return "[" + ", ".join(fmt(v) for v in values) + "]"


lines = []
for name, qtype, hexdata, slices in BLOCKS:
    raw = np.frombuffer(bytes.fromhex(hexdata), dtype=np.uint8)
    v = dequantize(raw, qtype).reshape(-1)
    for a, b in slices:
        lines.append((f"{name} block [{a}..<{b}]", vector(v[a:b])))

reader = GGUFReader(MODEL)
by_name = {t.name: t for t in reader.tensors}
for name in TENSORS:
    t = by_name[name]
    row_len = int(t.shape[0])                    # gguf-py lists dims innermost first, as GGUF does
    rows = dequantize(np.asarray(t.data).reshape(-1).view(np.uint8), t.tensor_type).reshape(-1, row_len)
    lines.append((f"{name} {SWIFT_TYPE.get(t.tensor_type, t.tensor_type.name)} row 0 [0..<8]", vector(rows[0, :8])))
norm = by_name["blk.0.attn_norm.weight"]
lines.append((f"blk.0.attn_norm.weight {norm.tensor_type.name} [0..<4]", vector(np.asarray(norm.data).reshape(-1)[:4])))

for label, vec in lines:
    print(f"{label}: {vec}")

if "--check" in sys.argv:
    source = " ".join(open(TEST, encoding="utf-8").read().split())   # line breaks inside a vector
    source = source.replace("[ ", "[").replace(", ", ", ")
    missing = [label for label, vec in lines if vec not in source]
    for label in missing:
        print(f"NOT in DequantTests.swift: {label}", file=sys.stderr)
    print(f"{len(lines) - len(missing)} of {len(lines)} vectors appear verbatim in DequantTests.swift")
    sys.exit(1 if missing else 0)
