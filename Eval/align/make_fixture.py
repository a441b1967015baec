#!/usr/bin/env python3
"""Regenerates the committed alignment fixtures from the shared corpora:

  Tests/Fixtures/text/alignment/tatoeba-400.tsv  400 Tatoeba pairs drawn at random (seed 8), lines
                                                  kept verbatim, attribution column included
  Tests/Fixtures/text/alignment/cedict-subset.txt the CC-CEDICT entries whose traditional or
                                                  simplified headword (>= 2 characters) occurs in
                                                  those pairs' Chinese sentences

Run from the package root:  python3 Eval/align/make_fixture.py
"""
import gzip
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "text", "alignment")


def main():
    with open(os.path.join(CORPORA, "tatoeba", "cmn.txt"), encoding="utf-8-sig") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    random.Random(8).shuffle(lines)
    sample = lines[:400]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tatoeba-400.tsv"), "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in sample))
    chinese = "\n".join(l.split("\t")[1] for l in sample)
    kept = []
    with gzip.open(os.path.join(CORPORA, "cedict", "cedict_1_0_ts_utf-8_mdbg.txt.gz"), "rt", encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if line.startswith("#"):
                kept.append(line)  # the header: licence, publisher, version
                continue
            trad, simp = line.split(" ", 2)[:2]
            if any(len(h) >= 2 and h in chinese for h in (trad, simp)):
                kept.append(line)
    with open(os.path.join(OUT, "cedict-subset.txt"), "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in kept))
    print(len(sample), "pairs,", sum(not l.startswith("#") for l in kept), "dictionary entries")


if __name__ == "__main__":
    main()
