#!/usr/bin/env python3
"""What drives Temp-LoRA's reference-PPL change in an `yanfu eval-ppl` folder.

Splits the scored reference tokens by (1) whether the sentence's source names a character of the
names list, (2) whether the reference sentence has a capitalised name it already used in an
earlier chunk, and (3) position in the book (blocks of 20 chunks), and gives base vs Temp-LoRA PPL
for each. Usage: analyze-ppl.py EVAL_DIR NAMES_TSV > analysis.md
"""
import json, math, re, sys

folder, names_file = sys.argv[1], sys.argv[2]
pairs = [l.rstrip("\n").split("\t") for l in open(folder + "/pairs.tsv", encoding="utf-8")]
names = [l.split("\t")[0] for l in open(names_file, encoding="utf-8") if l.strip()]
chunks = [json.loads(l) for l in open(folder + "/chunks.jsonl", encoding="utf-8")]

def ppl(rows):
    n = sum(r["tokens"] for r in rows)
    if n == 0:
        return None
    return n, math.exp(sum(r["base_nll"] for r in rows) / n), math.exp(sum(r["temp_lora_nll"] for r in rows) / n)

def line(label, rows):
    p = ppl(rows)
    if p is None:
        return "| %s | 0 | | | |" % label
    n, b, t = p
    return "| %s | %d | %.3f | %.3f | %+.1f%% |" % (label, n, b, t, 100 * (t / b - 1))

head = "| part | reference tokens | base PPL | Temp-LoRA PPL | change |\n| --- | ---: | ---: | ---: | ---: |"
rows = [dict(s, block=c["chunk"] // 20) for c in chunks for s in c["sentences"]]
seen, recurring = set(), []
for c in chunks:
    words = []
    for s in c["sentences"]:
        caps = set(re.findall(r"\b[A-Z][a-zü'’-]+(?:[ -][A-Z][a-zü'’-]+)*", pairs[s["pair"]][1])) - {"The", "He", "She", "It", "I", "In", "But", "And"}
        recurring.append(bool(caps & seen))
        words.append(caps)
    for w in words:
        seen |= w
named = [any(n in pairs[r["pair"]][0] for n in names) for r in rows]
print("# What drives the change (%d chunks, %d pairs)\n" % (len(chunks), len(rows)))
print(head)
print(line("all", rows))
print(line("source names a main character (names list)", [r for r, k in zip(rows, named) if k]))
print(line("source names none of them", [r for r, k in zip(rows, named) if not k]))
print(line("reference reuses a capitalised name seen in an earlier chunk", [r for r, k in zip(rows, recurring) if k]))
print(line("reference has no such name", [r for r, k in zip(rows, recurring) if not k]))
print("\nBy position in the book (blocks of 20 chunks of ~1024 tokens):\n")
print(head)
for b in sorted({r["block"] for r in rows}):
    print(line("chunks %d-%d" % (20 * b + 1, 20 * b + 20), [r for r in rows if r["block"] == b]))
