#!/usr/bin/env python3
"""The 200 Tatoeba pairs of the sentence-level baseline, as a book Yanfu translates, and the
translations read back one line per pair (the corpus stays in ../shared; nothing of it is committed).

  tatoeba.py prepare CMN_TXT DIR     writes DIR/zh.txt (a title, one chapter heading, one pair's
                                     Chinese per paragraph), DIR/en.txt (the English, one per line)
                                     and DIR/pairs.tsv (with Tatoeba's attribution)
  tatoeba.py hyp RUN_DIR OUT         writes the run's translation of each paragraph of chapter 1,
                                     one per line, in order (units of one paragraph joined by a space)

The pairs: the first 200 lines of cmn.txt whose index is a multiple of 140 and whose Chinese has at
least 6 characters (the file is ordered by English length, so they span short to long sentences).
"""
import json
import sys


def prepare(cmn, out):
    pairs = []
    with open(cmn, encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines):
        parts = line.split("\t")
        if n % 140 or len(parts) < 3 or len(parts[1]) < 6:
            continue
        pairs.append(parts)
        if len(pairs) == 200:
            break
    assert len(pairs) == 200, len(pairs)
    with open(f"{out}/zh.txt", "w", encoding="utf-8") as f:
        f.write("Tatoeba\n\n第一章　句子\n\n" + "".join(f"\u3000\u3000{p[1]}\n\n" for p in pairs))
    with open(f"{out}/en.txt", "w", encoding="utf-8") as f:
        f.write("".join(p[0] + "\n" for p in pairs))
    with open(f"{out}/pairs.tsv", "w", encoding="utf-8") as f:
        f.write("".join("\t".join(p) + "\n" for p in pairs))


def hyp(run, out):
    paragraphs = {}
    with open(f"{run}/segments.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["chapter"] == 1 and not r["heading"]:
                paragraphs.setdefault(r["paragraph"], []).append(r["translation"])
    assert len(paragraphs) == 200, f"{run}: {len(paragraphs)} paragraphs, expected 200"
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(" ".join(paragraphs[k]).replace("\n", " ") + "\n" for k in sorted(paragraphs)))


if __name__ == "__main__":
    {"prepare": prepare, "hyp": hyp}[sys.argv[1]](*sys.argv[2:])
