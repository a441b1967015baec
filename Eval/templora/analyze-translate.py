#!/usr/bin/env python3
"""What translation runs of the same chapters did, chapter by chapter, from the run folders alone:
where the time went, how long the translations are against the reference, and how varied they
are (a run drifting into stock phrases repeats the same word pairs and openings).

Time: a run's wall time in report.md sums its sessions, and a session killed before translate
wrote run.json at every chapter (2026-11-28) lost its share. The per-unit records do not: each
line of segments.jsonl has the seconds that unit took, and run.json (or, for a run still going,
the checkpoint in state/) lists every Temp-LoRA update with the seconds translation waited for it.
Their sum is the compute a run took, without process starts and model loads (a few seconds a
session). An update's wait is counted in the chapter of the unit that closed its chunk, as
translate counts it.

Length: words (split on whitespace) of a chapter's translations over the words of the
reference's chapter (a book with "CHAPTER I."-style or "Chapter 1" headings). BLEU's brevity
penalty and chrF2's weight on recall both depend on it.

Variety: the distinct word bigrams among the bigrams of a chapter's first 2,000 words (lowercased
letters and apostrophes; all of a shorter chapter), and the two words most of the chapter's units
begin with, with the share of units that do.

    python3 Eval/templora/analyze-translate.py REFERENCE RUN [RUN ...] > analysis.md
"""
import collections
import json
import os
import re
import sys


def updates(run):
    """The run's update log: run.json's when finished, else the newest checkpoint's."""
    with open(os.path.join(run, "run.json"), encoding="utf-8") as f:
        info = json.load(f)
    log = info.get("updates", [])
    checkpoint = os.path.join(run, "state", "checkpoint.json")
    if not info.get("finished") and os.path.exists(checkpoint):
        with open(checkpoint, encoding="utf-8") as f:
            saved = json.load(f).get("updateLog", [])
        if len(saved) > len(log):
            log = saved
    return info, log


def chapters(run):
    with open(os.path.join(run, "segments.jsonl"), encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    info, log = updates(run)
    chapter_of = {r["index"]: r["chapter"] for r in records}
    rows = {}
    for r in records:
        row = rows.setdefault(r["chapter"], {"units": 0, "translate": 0.0, "wait": 0.0, "updates": 0,
                                             "generated": 0, "generating": 0.0, "loss": 0.0, "texts": []})
        row["units"] += 1
        row["texts"].append(r["translation"])
        row["translate"] += r["seconds"]
        row["generated"] += r["generated_tokens"]
        row["generating"] += r["seconds"] - r.get("prefill_seconds", 0)
    for u in log:
        chapter = chapter_of.get(u.get("last_unit", u.get("lastUnit")))
        if chapter is None:
            continue
        rows[chapter]["wait"] += u.get("blocking_seconds", u.get("blockingSeconds"))
        rows[chapter]["updates"] += 1
        rows[chapter]["loss"] += u["losses"][0]
    return info, rows


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman(text):
    values = [ROMAN[ch] for ch in text]
    return sum(-v if k + 1 < len(values) and v < values[k + 1] else v for k, v in enumerate(values))


def reference_words(path):
    """Words per chapter of a book whose chapters start with a "CHAPTER IV." or "Chapter 4" line."""
    words, chapter = collections.Counter(), None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*chapter\s+([0-9]+|[IVXLC]+)\b", line, re.IGNORECASE)
            if m:
                token = m.group(1)
                chapter = int(token) if token.isdigit() else roman(token.upper())
            if chapter is not None:
                words[chapter] += len(line.split())
    return words


def main(args):
    if len(args) < 2:
        sys.exit(__doc__)
    reference, runs = args[0], args[1:]
    data = [(os.path.basename(os.path.normpath(r)), *chapters(r)) for r in runs]
    times(data)
    texts(reference, data)
    print(f"Made by `python3 Eval/templora/analyze-translate.py {reference} {' '.join(runs)}`.")


def texts(reference, data):
    ref = reference_words(reference)
    units = [{c: row["texts"] for c, row in rows.items()} for _, _, rows in data]
    numbers = sorted({c for by in units for c in by if c in ref})
    print("## Length and variety")
    print()
    print("| chapter | reference words | " + " | ".join(f"{name}: words / reference | {name}: distinct bigrams | {name}: commonest opening"
                                                          for name, _, _ in data) + " |")
    print("|---:|---:|" + "---:|---:|---|" * len(data))
    for c in numbers:
        cells = [f"{ref[c]:,}"]
        for by in units:
            t = by.get(c)
            if not t:
                cells += ["–", "–", "–"]
                continue
            words = sum(len(x.split()) for x in t)
            first = re.findall(r"[a-z']+", " ".join(t).lower())[:2000]
            pairs = list(zip(first, first[1:]))
            variety = f"{len(set(pairs)) / len(pairs):.2f}" if pairs else "–"
            opening, count = collections.Counter(" ".join(x.split()[:2]) for x in t).most_common(1)[0]
            cells += [f"{words / ref[c]:.2f}", variety, f"`{opening}` {count / len(t):.0%}"]
        print(f"| {c} | " + " | ".join(cells) + " |")
    print()
    print("Words split on whitespace. Distinct bigrams: distinct over all word pairs in the chapter's first "
          "2,000 words (lowercased; all of a shorter chapter). Commonest opening: the first two words most "
          "units of the chapter begin with, and the share of its units that do.")
    print()


def times(data):
    print("## Time by chapter")
    print()
    numbers = sorted({c for _, _, rows in data for c in rows})
    print("| chapter | " + " | ".join(f"{name}: units | {name}: seconds (waiting for training) | {name}: first-step loss"
                                     for name, _, _ in data) + " |")
    print("|---:|" + "---:|---:|---:|" * len(data))
    totals = [{"units": 0, "translate": 0.0, "wait": 0.0, "updates": 0, "generated": 0, "generating": 0.0, "loss": 0.0}
              for _ in data]
    for c in numbers:
        cells = []
        for k, (_, _, rows) in enumerate(data):
            row = rows.get(c)
            if row is None:
                cells += ["–", "–", "–"]
                continue
            for key in totals[k]:
                totals[k][key] += row[key]
            wait = f" ({row['wait']:,.0f})" if row["updates"] else ""
            loss = f"{row['loss'] / row['updates']:.2f}" if row["updates"] else "–"
            cells += [f"{row['units']:,}", f"{row['translate'] + row['wait']:,.0f}{wait}", loss]
        print(f"| {c} | " + " | ".join(cells) + " |")
    cells = []
    for t in totals:
        wait = f" ({t['wait']:,.0f})" if t["updates"] else ""
        loss = f"{t['loss'] / t['updates']:.2f}" if t["updates"] else "–"
        cells += [f"**{t['units']:,}**", f"**{t['translate'] + t['wait']:,.0f}**{wait}", loss]
    print("| all | " + " | ".join(cells) + " |")
    print()
    print("| run | translating | waiting for training | updates | generated tokens | generation (decode) | finished |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for (name, info, _), t in zip(data, totals):
        rate = t["generated"] / t["generating"] if t["generating"] > 0 else 0
        print(f"| {name} | {t['translate']:,.0f} s | {t['wait']:,.0f} s | {t['updates']} | {t['generated']:,} | "
              f"{rate:.1f} tok/s | {'yes' if info.get('finished') else 'no'} |")
    print()
    print("Seconds per unit from segments.jsonl (prefill and generation, the copy guard's retries included) "
          "plus, per Temp-LoRA update, the time translation waited for it (run.json's `updates`, "
          "or state/checkpoint.json while the run goes on), counted in the chapter whose unit closed the chunk. "
          "Process starts and model loads are not counted. First-step loss: the mean, over the chapter's "
          "updates, of the loss of an update's first step, that is, how well the adapter already predicts "
          "the chunk it is about to train on.")
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
