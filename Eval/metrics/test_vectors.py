#!/usr/bin/env python3
"""The public test vectors V1–V17 (BLEUVectorTests, CHRFTERVectorTests) recomputed with sacreBLEU.

Run with the peers' venv from the package root (sacrebleu 2.6.0):
    ~/.cache/peers/venv/bin/python Eval/metrics/test_vectors.py [--check]

Prints every value those tests hard-code: sacreBLEU's score line (with its signature), the full
score as Python's repr (the shortest round-trip decimal, which Swift prints the same way), n-gram
counts and totals, TER's edits and reference length. With --check it also confirms that each value
appears verbatim in the two Swift files, and that the inputs below are TestVectors.swift's
(exit 1 otherwise).
"""
import json
import os
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "Tests", "EvaluateTests")

# TestVectors.swift's h, r, r2.
H = ["The cat sat on the mat.",
     "He didn't say a word, and walked away.",
     "Li Wei looked at the sky; it was 3.5 km away.",
     "\"Master,\" she whispered, \"the sect elder is here.\"",
     "Qin Feng smiled."]
R = ["The cat was sitting on the mat.",
     "He said nothing and walked away.",
     "Li Wei gazed at the sky, which was 3.5 km away.",
     "\"Master,\" she said softly, \"the Sect Elder has arrived.\"",
     "Qin Feng smiled faintly."]
R2 = ["A cat sat on the mat.", "He walked away without a word.",
      "Li Wei looked at the sky; it was 3.5 km off.",
      "\"Master,\" she murmured, \"the elder of the sect is here.\"", "Qin Feng gave a smile."]

out = []   # (vector, file, text that must appear in it)
BLEU_FILE, CHRF_FILE, INPUTS = "BLEUVectorTests.swift", "CHRFTERVectorTests.swift", "TestVectors.swift"


def line(metric, score, width=2):
    return score.format(width=width, signature=str(metric.get_signature()))


def bleu(v, metric, score, full=True, counts=False):
    out.append((v, BLEU_FILE, '"' + line(metric, score) + '"'))
    if full:
        out.append((v, BLEU_FILE, repr(score.score)))
    if counts:
        out.append((v, BLEU_FILE, str(list(score.counts))))
        out.append((v, BLEU_FILE, str(list(score.totals))))


m = BLEU(); s = m.corpus_score(H, [R])
bleu("V1", m, s, counts=True)
out.append(("V1", BLEU_FILE, '"' + m.get_signature().format(short=True) + '"'))
out.append(("V1", BLEU_FILE, '"' + str(s) + '"'))
for v, tok in [("V2", "intl"), ("V3", "char"), ("V4", "none")]:
    m = BLEU(tokenize=tok); bleu(v, m, m.corpus_score(H, [R]))
m = BLEU(tokenize="zh"); s = m.corpus_score(H, [R])
out.append(("V2b", BLEU_FILE, repr(s.score)))
out.append(("V2b", BLEU_FILE, '"' + str(m.get_signature()) + '"'))
m = BLEU(lowercase=True); bleu("V5", m, m.corpus_score(H, [R]))
m = BLEU(effective_order=True)
bleu("V6", m, m.sentence_score(H[0], [R[0]]))
for i in range(1, 5):
    out.append(("V6", BLEU_FILE, repr(m.sentence_score(H[i], [R[i]]).score)))
m = BLEU(effective_order=True); bleu("V7", m, m.sentence_score("Yes.", ["Yes, sir."]), counts=True)
m = BLEU(); bleu("V7", m, m.sentence_score("Yes.", ["Yes, sir."]), full=False)
hyps, refs = ["the quick brown fox", "jumps over dog"], [["the quick brown dog", "jumped over the dog"]]
m = BLEU(); bleu("V8", m, m.corpus_score(hyps, refs), counts=True)
m = BLEU(smooth_method="none"); bleu("V8", m, m.corpus_score(hyps, refs), full=False)
m = BLEU(smooth_method="floor", smooth_value=0.1); bleu("V8", m, m.corpus_score(hyps, refs))
m = BLEU(smooth_method="add-k", smooth_value=1); bleu("V8", m, m.corpus_score(hyps, refs), counts=True)

m = CHRF(); s = m.corpus_score(H, [R])
out += [("V9", CHRF_FILE, '"' + line(m, s) + '"'), ("V9", CHRF_FILE, repr(s.score))]
m = CHRF(word_order=2); s = m.corpus_score(H, [R])
out += [("V10", CHRF_FILE, '"' + line(m, s) + '"'), ("V10", CHRF_FILE, repr(s.score))]
for m in [CHRF(), CHRF(word_order=2)]:
    s = m.sentence_score(H[0], [R[0]])
    out += [("V11", CHRF_FILE, '"' + line(m, s) + '"'), ("V11", CHRF_FILE, repr(s.score))]
m = TER(); s = m.corpus_score(H, [R])
out += [("V12", CHRF_FILE, '"' + line(m, s) + '"'), ("V12", CHRF_FILE, repr(s.score)),
        ("V12", CHRF_FILE, str([int(s.num_edits), int(s.ref_length)]))]

m = BLEU(); bleu("V13", m, m.corpus_score([" ".join(H[:3]), " ".join(H[3:])], [[" ".join(R[:3]), " ".join(R[3:])]]))
m = BLEU(); bleu("V14", m, m.corpus_score(H, [R, R2]))
hyps, refs = ["他慢慢地走了出去。"], [["他缓缓地走了出去。"]]
m = BLEU(tokenize="zh"); bleu("V15", m, m.corpus_score(hyps, refs))
m = BLEU(); bleu("V15", m, m.corpus_score(hyps, refs), full=False)
m = BLEU(); bleu("V16", m, m.corpus_score(["", "hello"], [["a b c", "goodbye"]]), full=False)
hyps, refs = ["\"Master,\" she said softly."], [["“Master,” she said softly."]]
for tok in ["13a", "intl"]:
    out.append(("V17", BLEU_FILE, '"' + str(BLEU(tokenize=tok).corpus_score(hyps, refs)) + '"'))

# The CLI-width checks beside the vectors.
hyps, refs = ["The cat sat on the mat.", "He did not say a word."], [["The cat was sitting on the mat.", "He said nothing."]]
m = BLEU(); s = m.corpus_score(hyps, refs)
out += [("CLI", BLEU_FILE, '"' + line(m, s, width=1) + '"'), ("CLI", BLEU_FILE, '"%.2f"' % s.score),
        ("CLI", CHRF_FILE, '"%.1f"' % CHRF().corpus_score(hyps, refs).score),
        ("CLI", CHRF_FILE, '"%.1f"' % TER().corpus_score(hyps, refs).score)]

for v, f, text in out:
    print(f"{v:4} {f:26} {text}")

if "--check" in sys.argv:
    sources = {f: open(os.path.join(TESTS, f), encoding="utf-8").read() for f in [BLEU_FILE, CHRF_FILE, INPUTS]}
    missing = [(v, f, t) for v, f, t in out if t not in sources[f]]
    # The inputs: each string, as a Swift literal, in TestVectors.swift.
    missing += [("inputs", INPUTS, s) for s in H + R + R2 if json.dumps(s, ensure_ascii=False) not in sources[INPUTS]]
    for v, f, t in missing:
        print(f"NOT in {f}: {v} {t}", file=sys.stderr)
    print(f"{len(out) + 15 - len(missing)} of {len(out) + 15} values and inputs appear verbatim in the Swift tests")
    sys.exit(1 if missing else 0)
