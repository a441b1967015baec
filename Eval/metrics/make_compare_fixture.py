#!/usr/bin/env python3
"""Writes Tests/Fixtures/evaluate/compare-sample.json: sacreBLEU's document-level scores for two run
folders fabricated from the sample book, so the Swift tests can check `yanfu compare`'s chapter
pairing end to end (which units form which document, chapter 0 left out, headings included).

The runs follow Corpora/sample/story.tsv: chapter 0 (the title) is one unit, each chapter heading is
one unit, and body sentences are packed `per_unit` at a time within a chapter (joined by a space in
the translation, concatenated in the source). A run's translation of a sentence is the reference
English, except that every `chen_mu_every`-th sentence naming 陈墨 (counted over the whole book)
says "Chen Mu" for "Chen Mo", and with `old_zhou` every sentence naming 周伯 says "Old Zhou" for
"Uncle Zhou". Chapter N of the reference (the GuoFeng file or the English book) is its heading and
sentences joined by one space: exactly the story.tsv English of chapter N.

Run with the peers' venv (sacrebleu 2.6.0):
    /root/.cache/peers/venv/bin/python Eval/metrics/make_compare_fixture.py
"""
import json
import os

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "evaluate", "compare-sample.json")
RUNS = [
    {"name": "off", "per_unit": 2, "chen_mu_every": 2, "old_zhou": True},
    {"name": "temp-lora", "per_unit": 2, "chen_mu_every": 5, "old_zhou": False},
]

with open(os.path.join(ROOT, "Corpora", "sample", "story.tsv"), encoding="utf-8") as f:
    rows = [line.rstrip("\n").split("\t") for line in f][1:]


def translate(run):
    """The run's translation of every story row, in order."""
    out, seen = [], 0
    for _, _, _, zh, en in rows:
        if "陈墨" in zh:
            seen += 1
            if seen % run["chen_mu_every"] == 0:
                en = en.replace("Chen Mo", "Chen Mu")
        if run["old_zhou"] and "周伯" in zh:
            en = en.replace("Uncle Zhou", "Old Zhou")
        out.append(en)
    return out


def units(run):
    """(chapter, translation) per unit, packed as `yanfu translate` would."""
    packed = []  # [chapter, is_heading_or_title, [translations]]
    for (ch, para, _, _, _), en in zip(rows, translate(run)):
        ch = int(ch)
        alone = ch == 0 or para == "0"
        last = packed[-1] if packed else None
        if last and last[0] == ch and not last[1] and not alone and len(last[2]) < run["per_unit"]:
            last[2].append(en)
        else:
            packed.append([ch, alone, [en]])
    return [(ch, " ".join(t)) for ch, _, t in packed]


chapters = [1, 2, 3, 4]
reference = [" ".join(r[4] for r in rows if int(r[0]) == c) for c in chapters]
result = {"chapters": chapters, "runs": []}
for run in RUNS:
    docs = [" ".join(t for ch, t in units(run) if ch == c) for c in chapters]
    result["runs"].append(dict(run, units=sum(1 for ch, _ in units(run) if ch in chapters),
        d_bleu=BLEU().corpus_score(docs, [reference]).score,
        d_chrf=CHRF().corpus_score(docs, [reference]).score,
        bleu_by_chapter=[BLEU().corpus_score([d], [[r]]).score for d, r in zip(docs, reference)],
        chrf_by_chapter=[CHRF().corpus_score([d], [[r]]).score for d, r in zip(docs, reference)]))

with open(OUT, "w", encoding="utf-8") as f:
    json.dump(result, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(json.dumps({r["name"]: [round(r["d_bleu"], 4), round(r["d_chrf"], 4)] for r in result["runs"]}))
