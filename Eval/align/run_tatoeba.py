#!/usr/bin/env python3
"""Known-alignment evaluation of `yanfu align` on the full Tatoeba file (29,155 pairs); writes
Eval/align/results.md. Not run by CI (CI runs the same evaluation on the 400-pair fixture).

Two parts:
 1. `yanfu align-eval`: the library's own evaluation (the code the CI test runs) over seeds,
    anchor settings and harder merge/drop rates.
 2. An independent end-to-end check: this script builds its own pseudo-chapters (Python's RNG,
    not the Swift one), writes them as a GuoFeng pair with chapter alignment only, runs the real
    `yanfu align` command on them and computes precision/recall from alignment.jsonl itself.

Run from the package root after `swift build -c release`:
    python3 Eval/align/run_tatoeba.py
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
YANFU = os.path.join(ROOT, ".build", "release", "yanfu")
CORPORA = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpora"))
TATOEBA = os.path.join(CORPORA, "tatoeba", "cmn.txt")
CEDICT = os.path.join(CORPORA, "cedict", "cedict_1_0_ts_utf-8_mdbg.txt.gz")


def align_eval(*args):
    out = subprocess.run([YANFU, "align-eval", TATOEBA, "--json", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def independent_check(seed, chapter_size=40, merge=0.1, drop=0.05):
    with open(TATOEBA, encoding="utf-8-sig") as f:
        pairs = [l.rstrip("\n").split("\t")[:2] for l in f if l.strip()]
    rng = random.Random(seed)
    rng.shuffle(pairs)
    zh_lines, en_lines, truth = ['<BOOK id="tatoeba">'], ['<BOOK id="tatoeba">'], set()
    for c, start in enumerate(range(0, len(pairs), chapter_size)):
        chunk = pairs[start:start + chapter_size]
        zh, en = [], []
        k = 0
        while k < len(chunk):
            r = rng.random()
            s0, t0 = len(zh), len(en)
            if r < drop:
                (zh.append(chunk[k][1]) if rng.random() < 0.5 else en.append(chunk[k][0]))
                k += 1
            elif r < drop + merge and k + 1 < len(chunk):
                if rng.random() < 0.5:
                    zh.append(chunk[k][1] + chunk[k + 1][1]); en += [chunk[k][0], chunk[k + 1][0]]
                else:
                    zh += [chunk[k][1], chunk[k + 1][1]]; en.append(chunk[k][0] + " " + chunk[k + 1][0])
                k += 2
            else:
                zh.append(chunk[k][1]); en.append(chunk[k][0])
                k += 1
            for i in range(s0, len(zh)):
                for j in range(t0, len(en)):
                    truth.add((c, i, j))
        cid = '<CHAPTER id="c%04d">' % (c + 1)
        zh_lines += [cid, *zh, "</CHAPTER>"]
        en_lines += [cid, *en, "</CHAPTER>"]
    with tempfile.TemporaryDirectory() as tmp:
        zh_path, en_path, out = (os.path.join(tmp, n) for n in ("t.zh", "t.en", "out"))
        with open(zh_path, "w", encoding="utf-8") as f:
            f.write("\n".join(zh_lines) + "\n")
        with open(en_path, "w", encoding="utf-8") as f:
            f.write("\n".join(en_lines) + "\n")
        start = time.time()
        subprocess.run([YANFU, "align", "--source", zh_path, "--target", en_path, "--dictionary", CEDICT, "--out", out, "--json"],
                       check=True, capture_output=True)
        seconds = time.time() - start
        predicted = set()
        with open(os.path.join(out, "alignment.jsonl"), encoding="utf-8") as f:
            for line in f:
                b = json.loads(line)
                c = int(b["chapter"][1:]) - 1
                predicted.update((c, i, j) for i in b["zh"] for j in b["en"])
    correct = len(predicted & truth)
    return correct / len(predicted), correct / len(truth), len(truth), seconds


def main():
    if not os.path.exists(YANFU):
        sys.exit("build first: swift build -c release")
    rows = []
    settings = [
        ("lengths only", ["--no-anchors"], "40", "0.1", "0.05"),
        ("numbers", [], "40", "0.1", "0.05"),
        ("numbers + CC-CEDICT", ["--dictionary", CEDICT], "40", "0.1", "0.05"),
        ("numbers + CC-CEDICT, harder (merge 0.2, drop 0.1)", ["--dictionary", CEDICT], "40", "0.2", "0.1"),
        ("numbers + CC-CEDICT, long chapters (200 pairs)", ["--dictionary", CEDICT], "200", "0.1", "0.05"),
    ]
    for name, extra, size, merge, drop in settings:
        results = [align_eval(*extra, "--chapter-size", size, "--merge", merge, "--drop", drop, "--seed", str(seed)) for seed in (1, 2, 3)]
        p = [r["scores"]["precision"] for r in results]
        r_ = [r["scores"]["recall"] for r in results]
        rows.append((name, size, merge, drop, p, r_, results[0]["scores"]["trueLinks"], results[0]["c"], results[0]["s2"]))
        print(name, p, r_, flush=True)
    checks = [independent_check(seed) for seed in (11, 12)]
    print("independent", checks)

    with open(os.path.join(ROOT, "Eval", "align", "results.md"), "w", encoding="utf-8") as f:
        f.write("# Sentence aligner on Tatoeba pseudo-chapters (known alignment)\n\n")
        f.write("Generated by `python3 Eval/align/run_tatoeba.py` from `../shared/corpora/tatoeba/cmn.txt` (29,155 pairs, "
                "CC-BY 2.0 FR, Tatoeba contributors) and CC-CEDICT 2023-11-07 (CC BY-SA 4.0).\n\n")
        f.write("Pairs are shuffled into pseudo-chapters; with probability *merge* a pair is merged with the next on one side "
                "(a 1-2 or 2-1 bead), with probability *drop* it loses one side (1-0 or 0-1). Links are (zh sentence, en sentence) "
                "pairs inside a bead; precision = correct predicted links / predicted links, recall = correct / true links. "
                "Three seeds each (1, 2, 3), mean and range.\n\n")
        f.write("| anchors | chapter size | merge | drop | precision | recall | true links (seed 1) | fitted c, s² |\n|---|---:|---:|---:|---:|---:|---:|---|\n")
        for name, size, merge, drop, p, r_, links, c, s2 in rows:
            f.write("| %s | %s | %s | %s | %.4f (%.4f–%.4f) | %.4f (%.4f–%.4f) | %d | %.3f, %.3f |\n" % (
                name, size, merge, drop, sum(p) / 3, min(p), max(p), sum(r_) / 3, min(r_), max(r_), links, c, s2))
        f.write("\n## Independent end-to-end check\n\nPseudo-chapters built by this script (Python `random`, seeds 11 and 12, "
                "chapter size 40, merge 0.1, drop 0.05), written as a GuoFeng pair with chapter alignment only, aligned by "
                "`yanfu align --dictionary cedict…gz`, links read back from `alignment.jsonl` and scored here:\n\n")
        f.write("| seed | precision | recall | true links | wall time (s, dictionary loading included) |\n|---:|---:|---:|---:|---:|\n")
        for seed, (p, r_, links, seconds) in zip((11, 12), checks):
            f.write("| %d | %.4f | %.4f | %d | %.1f |\n" % (seed, p, r_, links, seconds))


if __name__ == "__main__":
    main()
