#!/usr/bin/env python3
"""Line-aligned files for a sentence-level paired bootstrap of translation runs against Joly.

`yanfu compare` scores 紅樓夢 runs as chapter documents: with one or two chapters, its bootstrap
has nothing to resample. This pairs each run's units with Joly's English through the aligner's beads
(`yanfu align` over the same chapters): a bead's Chinese sentences are units of the runs (one
sentence each, the heading apart), so each line of the outputs is a bead: Joly's sentences in
ref.txt, each run's translations of the bead's units in RUN.txt. Beads with no English (1-0) are
left out. Then `yanfu compare --ref OUT/ref.txt --hyp OUT/A.txt --hyp OUT/B.txt` resamples beads.

  aligned_segments.py ALIGN_DIR FIRST-LAST OUT RUN_DIR [RUN_DIR ...]
"""
import json, os, sys

align_dir, span, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
first, last = (int(x) for x in (span.split("-") + [span])[:2])
name = next(f[:-3] for f in os.listdir(align_dir) if f.endswith(".zh"))
zh = open(os.path.join(align_dir, name + ".zh"), encoding="utf-8").read().split("\n")
en = open(os.path.join(align_dir, name + ".en"), encoding="utf-8").read().split("\n")
beads = [json.loads(l) for l in open(os.path.join(align_dir, "alignment.jsonl"), encoding="utf-8")]
beads = [b for b in beads if first <= b["number"] <= last and b["zh"] and b["en"]]


def units(run):
    """Chapter number -> the run's units of it, the heading left out."""
    rs = [json.loads(l) for l in open(os.path.join(run, "segments.jsonl"), encoding="utf-8")]
    return {c: [r for r in rs if r["chapter"] == c and not r.get("heading")] for c in range(first, last + 1)}


def squash(s):
    return "".join(s.split())


per_run = [units(r) for r in runs]
os.makedirs(out, exist_ok=True)
lines = {r: [] for r in runs}
ref = []
for b in beads:
    source = zh[b["line"] - 1]
    for run, us in zip(runs, per_run):
        picked = [us[b["number"]][i] for i in b["zh"]]
        # The bead's Chinese must be exactly those units' sources: the run and the aligner split alike.
        if squash("".join(u["source"] for u in picked)) != squash(source):
            sys.exit(f"{run}: units {b['zh']} of chapter {b['number']} are not bead line {b['line']}: {source[:30]}")
        lines[run].append(" ".join(u["translation"].replace("\n", " ") for u in picked))
    ref.append(en[b["line"] - 1])
open(os.path.join(out, "ref.txt"), "w", encoding="utf-8").write("\n".join(ref) + "\n")
for run in runs:
    open(os.path.join(out, os.path.basename(run.rstrip("/")) + ".txt"), "w", encoding="utf-8").write("\n".join(lines[run]) + "\n")
print(f"{len(beads)} beads of chapters {first}-{last} -> {out}")
