#!/usr/bin/env python3
"""Writes Tests/Fixtures/evaluate/bench-metrics-200.json: sacreBLEU's corpus BLEU and chrF2 of the
synthetic segment pairs `yanfu bench metrics` generates (200 pairs, its fixed seed 2024), for
MetricsBenchmarkTests to compare Yanfu's scores against an independent implementation.

Run with the peers' venv from the package root, after `swift build -c release` (sacrebleu 2.6.0):
    ~/.cache/peers/venv/bin/python Eval/metrics/make_bench_fixture.py

The segments exist only inside Yanfu (MetricsBenchmark.corpus()), so the script has the built
`yanfu bench metrics` hand them to this interpreter's sacreBLEU (its --python peer: fresh BLEU()
and CHRF() objects, scores passed back as Python reprs) and records the peer's scores, not Yanfu's.
"""
import json
import os
import subprocess
import sys

import sacrebleu

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
YANFU = os.path.join(ROOT, ".build", "release", "yanfu")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "evaluate", "bench-metrics-200.json")
SEGMENTS = 200

run = subprocess.run([YANFU, "bench", "metrics", "--segments", str(SEGMENTS), "--repeats", "1",
                      "--python", sys.executable, "--json"], check=True, capture_output=True, text=True)
report = json.loads(run.stdout)
peer = report["peer"]
assert peer is not None, report["peer_description"]
fixture = {
    "segments": SEGMENTS,
    "seed": 2024,
    "sacrebleu": sacrebleu.__version__,
    "peer": report["peer_description"].split(" (")[0],
    # Strings: Foundation's JSON number parsing is not correctly rounded.
    "bleu": repr(float(peer["bleu"])),
    "chrf": repr(float(peer["chrf"])),
}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print(json.dumps(fixture), "| Yanfu in the same run:", report["yanfu"]["bleu"], report["yanfu"]["chrf"])
