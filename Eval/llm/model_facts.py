#!/usr/bin/env python3
"""The facts GGUFTests.testDefaultModelMetadata asserts about Gemma 3 270M (Q4_K_M, the default model
until 2026-12-06, in the model cache), read with gguf-py's GGUFReader (the `gguf` package).

Run with the peers' venv from the package root (gguf 0.19.0):
    ~/.cache/peers/venv/bin/python Eval/llm/model_facts.py [--check]

Prints each fact as the Swift assertion's expected value; with --check also confirms that each
`XCTAssertEqual(<expression>, <value>)` appears verbatim in GGUFTests.swift (exit 1 if not).
"""
import collections
import os
import sys

from gguf import GGUFReader

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST = os.path.join(ROOT, "Tests", "LLMTests", "GGUFTests.swift")
MODEL = os.path.join(os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu")), "models",
                     "gemma-3-270m-q4_k_m.gguf")


def swift_int(n):
    """Swift's digit grouping as the test writes it: 262_144, 6_525_120 (not below 10,000)."""
    s = str(n)
    if n < 10_000:
        return s
    groups = []
    while s:
        groups.insert(0, s[-3:])
        s = s[:-3]
    return "_".join(groups)


def scalar(r, key):
    f = r.fields[key]
    return f.parts[f.data[0]][0].item()


r = GGUFReader(MODEL)
arch = r.get_field("general.architecture").contents()
embd = next(t for t in r.tensors if t.name == "token_embd.weight")
facts = [
    ("f.version", swift_int(scalar(r, "GGUF.version"))),
    ("f.tensors.count", swift_int(len(r.tensors))),
    ("f.metadata.count", swift_int(scalar(r, "GGUF.kv_count"))),          # key-value pairs in the header
    ("f.architecture", f'"{arch}"'),
    ('f.archValue("embedding_length")?.int', swift_int(r.get_field(f"{arch}.embedding_length").contents())),
    ('f.archValue("attention.key_length")?.int', swift_int(r.get_field(f"{arch}.attention.key_length").contents())),
    ('f.metadata["tokenizer.ggml.tokens"]?.array?.count', swift_int(len(r.get_field("tokenizer.ggml.tokens").data))),
    ("f.dataOffset", swift_int(r.data_offset)),
    ('f.tensor(named: "token_embd.weight")?.dims', "[" + ", ".join(swift_int(int(d)) for d in embd.shape) + "]"),
]
for expr, value in facts:
    print(f"{expr} = {value}")
types = collections.Counter(t.tensor_type.name for t in r.tensors)
print("tensor types:", ", ".join(f"{k} {v}" for k, v in sorted(types.items())))

if "--check" in sys.argv:
    source = open(TEST, encoding="utf-8").read()
    missing = [expr for expr, value in facts if f"XCTAssertEqual({expr}, {value})" not in source]
    for expr in missing:
        print(f"NOT in GGUFTests.swift: XCTAssertEqual({expr}, …)", file=sys.stderr)
    print(f"{len(facts) - len(missing)} of {len(facts)} facts appear verbatim in GGUFTests.swift")
    sys.exit(1 if missing else 0)
