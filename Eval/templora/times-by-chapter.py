#!/usr/bin/env python3
"""Where a translation run's time went, chapter by chapter, from the run folders alone.

A run's wall time in report.md sums its sessions, and a session killed before translate wrote
run.json at every chapter (2026-11-28) lost its share. The per-unit records do not: each line of
segments.jsonl has the seconds that unit took, and run.json (or, for a run still going, the
checkpoint in state/) lists every Temp-LoRA update with the seconds translation waited for it.
Their sum is the compute a run took, without process starts and model loads (a few seconds a
session). An update's wait is counted in the chapter of the unit that closed its chunk, as
translate counts it.

    python3 Eval/templora/times-by-chapter.py RUN [RUN ...] > times.md
"""
import json
import os
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
                                             "generated": 0, "generating": 0.0})
        row["units"] += 1
        row["translate"] += r["seconds"]
        row["generated"] += r["generated_tokens"]
        row["generating"] += r["seconds"] - r.get("prefill_seconds", 0)
    for u in log:
        chapter = chapter_of.get(u["lastUnit"])
        if chapter is None:
            continue
        rows[chapter]["wait"] += u["blockingSeconds"]
        rows[chapter]["updates"] += 1
    return info, rows


def main(runs):
    if not runs:
        sys.exit(__doc__)
    data = [(os.path.basename(os.path.normpath(r)), *chapters(r)) for r in runs]
    numbers = sorted({c for _, _, rows in data for c in rows})
    print("| chapter | " + " | ".join(f"{name}: units | {name}: seconds (waiting for training)" for name, _, _ in data) + " |")
    print("|---:|" + "---:|---:|" * len(data))
    totals = [{"units": 0, "translate": 0.0, "wait": 0.0, "updates": 0, "generated": 0, "generating": 0.0} for _ in data]
    for c in numbers:
        cells = []
        for k, (_, _, rows) in enumerate(data):
            row = rows.get(c)
            if row is None:
                cells += ["–", "–"]
                continue
            for key in totals[k]:
                totals[k][key] += row[key]
            wait = f" ({row['wait']:,.0f})" if row["updates"] else ""
            cells += [f"{row['units']:,}", f"{row['translate'] + row['wait']:,.0f}{wait}"]
        print(f"| {c} | " + " | ".join(cells) + " |")
    cells = []
    for t in totals:
        wait = f" ({t['wait']:,.0f})" if t["updates"] else ""
        cells += [f"**{t['units']:,}**", f"**{t['translate'] + t['wait']:,.0f}**{wait}"]
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
          "Process starts and model loads are not counted. Made by `python3 Eval/templora/times-by-chapter.py "
          + " ".join(runs) + "`.")


if __name__ == "__main__":
    main(sys.argv[1:])
