#!/usr/bin/env python3
"""Writes Tests/Fixtures/evaluate/parity.json: random English and Chinese hypothesis/reference
sets and sacreBLEU's scores for them (every BLEU tokenizer and smoothing, lowercase, chrF, chrF++,
TER; corpus and sentence level; one and two references), plus a paired-bootstrap run that the
Swift tests compare approximately (NumPy's PCG64 resamples cannot be reproduced bit for bit).

Run with the peers' venv (sacrebleu 2.6.0):
    /root/.cache/peers/venv/bin/python Eval/metrics/make_parity_fixture.py
"""
import json
import os
import random

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "Fixtures", "evaluate", "parity.json")
rng = random.Random(20261127)

EN_WORDS = ("the cat sat on mat he she said softly walked away sect elder master Li Wei Qin Feng "
            "smiled looked at sky it was km sword mountain river don't can't well-known "
            "twenty-one O'Brien U.S.A. e.g. night moon wind").split()
EN_EXTRA = ["“Master,”", "‘yes’", "—", "–", "…", "1,000,000.50", "3.5", "2019.", "2019-2020",
            "$5", "50%", "&amp;", "&lt;b&gt;", "&quot;hi&quot;", "<skipped>", "(hi)", "[x]", "a/b",
            "ΟΔΟΣ", "Σίσυφος", "İstanbul", "Straße", "ǅemal", "naïve", "café", "@user", "#tag",
            "x^2", "~", "`code`", "{k}", "|", "\\", "_", "é", "e\u0301", "½", "²", "Ⅻ", "٣"]
ZH_CHARS = list("我们明天去北京他慢慢地走了出去宝玉听心中大喜林黛玉贾母说道笑人天下山水风月剑宗门长老")
ZH_EXTRA = ["，", "。", "！", "？", "：", "；", "（", "）", "“", "”", "‘", "’", "——", "……", "《", "》",
            "、", "\U00020000", "\U00020BB7", "\U0002A6D6", "\u2A6E", "\u9FBB", "\u9FBC", "\u4DB5",
            "\u4DB6", "ｱ", "Ａ", "１２", "かな", "カタ", "한국", "3.5", "1,000", "Li Wei", "GDP",
            "㊀", "☃", "✈", "→", "∑", "\u2000", "\u2001"]
SPACES = [" ", " ", " ", " ", "  ", "\t", "\u00a0", "\u3000", "\u001c", "\u001d", "\u001e",
          "\u001f", "\u2009", "\u200b", "\u0085"]


def en_sentence():
    words = [rng.choice(EN_WORDS) if rng.random() < 0.8 else rng.choice(EN_EXTRA)
             for _ in range(rng.randint(1, 18))]
    out = words[0].capitalize()
    for w in words[1:]:
        out += (rng.choice(SPACES) if rng.random() < 0.15 else " ") + w
    return out + rng.choice([".", ".", "!", "?", "", ",", ".\"", "。", " ."])


def zh_sentence():
    out = ""
    for _ in range(rng.randint(1, 30)):
        r = rng.random()
        out += rng.choice(ZH_CHARS) if r < 0.75 else rng.choice(ZH_EXTRA) if r < 0.95 else rng.choice(SPACES)
    return out + rng.choice(["。", "！", "？", "", "”"])


def perturb(sentence, tokens_of):
    """A hypothesis near the reference: drop, duplicate, swap or replace some units."""
    units = tokens_of(sentence)
    out = []
    for u in units:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.15:
            out += [u, u]
        elif r < 0.25 and out:
            out.insert(len(out) - 1, u)
        elif r < 0.32:
            out.append(rng.choice(units))
        else:
            out.append(u)
    return out


def make_set(make, join, split, n):
    refs1 = [make() for _ in range(n)]
    refs2 = [join(perturb(r, split)) if rng.random() < 0.8 else make() for r in refs1]
    hyps = [join(perturb(r, split)) for r in refs1]
    # Empty lines: an empty hypothesis, an empty reference, and both empty.
    hyps[3] = ""
    refs1[5] = ""
    hyps[7] = refs1[7] = refs2[7] = ""
    # A segment that is all whitespace, and lines with trailing whitespace.
    hyps[9] = "  \u001f "
    hyps[10] += " \u3000"
    refs1[11] += "\u001c"
    return hyps, [refs1, refs2]


SETS = {
    "en": make_set(en_sentence, " ".join, lambda s: s.split(" "), 40),
    "zh": make_set(zh_sentence, "".join, list, 40),
}
# An embedded newline and hyphen-newline (13a deletes "-\n"): API callers can pass them.
SETS["en"][0][12] = "well-\nknown man\nwalked"

# Documents (d-BLEU style): long segments that exercise TER's shift search and its
# 1000-candidate budget.
en_h, en_r = SETS["en"]
SETS["en_docs"] = ([" ".join(en_h[i:i + 8]) for i in range(0, 40, 8)],
                   [[" ".join(r[i:i + 8]) for i in range(0, 40, 8)] for r in en_r])

TOKENIZERS = ["13a", "intl", "zh", "char", "none"]
SMOOTHS = ["exp", "floor", "add-k", "none"]


def corpus_case(m, hyps, refs, **params):
    s = m.corpus_score(hyps, refs)
    sig = m.get_signature().format()
    # Scores as repr strings: exact round trip whatever JSON parser reads the fixture.
    return dict(params, level="corpus", score=repr(s.score), formatted=s.format(signature=sig))


def sentence_case(m, hyps, refs, **params):
    scores = [m.sentence_score(h, [r[i] for r in refs]).score for i, h in enumerate(hyps)]
    return dict(params, level="sentence", scores=[repr(x) for x in scores])


cases = []
for set_name, (hyps, refs_all) in SETS.items():
    if set_name == "en_docs":
        continue
    for nrefs in (1, 2):
        refs = refs_all[:nrefs]
        common = dict(set=set_name, nrefs=nrefs)
        for tok in TOKENIZERS:
            for lc in (False, True):
                for smooth in SMOOTHS:
                    bleu = BLEU(tokenize=tok, lowercase=lc, smooth_method=smooth)
                    cases.append(corpus_case(bleu, hyps, refs, metric="bleu", tokenize=tok,
                                             lowercase=lc, smooth=smooth, effective_order=False, **common))
                eff = BLEU(tokenize=tok, lowercase=lc, effective_order=True)
                cases.append(sentence_case(eff, hyps, refs, metric="bleu", tokenize=tok, lowercase=lc,
                                           smooth="exp", effective_order=True, **common))
        for smooth in SMOOTHS:
            for eff_order in (False, True):
                bleu = BLEU(smooth_method=smooth, effective_order=eff_order)
                cases.append(sentence_case(bleu, hyps, refs, metric="bleu", tokenize="13a", lowercase=False,
                                           smooth=smooth, effective_order=eff_order, **common))
        for word_order in (0, 2):
            for lc in (False, True):
                chrf = CHRF(word_order=word_order, lowercase=lc)
                cases.append(corpus_case(chrf, hyps, refs, metric="chrf", word_order=word_order, lowercase=lc, **common))
                cases.append(sentence_case(chrf, hyps, refs, metric="chrf", word_order=word_order, lowercase=lc, **common))
        for cs in (False, True):
            ter = TER(case_sensitive=cs)
            cases.append(corpus_case(ter, hyps, refs, metric="ter", case_sensitive=cs, **common))
            cases.append(sentence_case(ter, hyps, refs, metric="ter", case_sensitive=cs, **common))

hyps, refs_all = SETS["en_docs"]
for nrefs in (1, 2):
    common = dict(set="en_docs", nrefs=nrefs)
    refs = refs_all[:nrefs]
    cases.append(corpus_case(BLEU(), hyps, refs, metric="bleu", tokenize="13a", lowercase=False, smooth="exp",
                             effective_order=False, **common))
    cases.append(corpus_case(TER(), hyps, refs, metric="ter", case_sensitive=False, **common))
    cases.append(sentence_case(TER(), hyps, refs, metric="ter", case_sensitive=False, **common))
    cases.append(sentence_case(CHRF(word_order=2), hyps, refs, metric="chrf", word_order=2, lowercase=False, **common))

# Non-default options: smoothing values, chrF with whitespace and eps smoothing.
hyps, refs_all = SETS["zh"]
for value in (0.3, 2.0):
    for smooth in ("floor", "add-k"):
        bleu = BLEU(tokenize="zh", smooth_method=smooth, smooth_value=value)
        cases.append(corpus_case(bleu, hyps, refs_all[:1], metric="bleu", tokenize="zh", lowercase=False,
                                 smooth=smooth, smooth_value=value, effective_order=False, set="zh", nrefs=1))
        bleu = BLEU(tokenize="zh", smooth_method=smooth, smooth_value=value, effective_order=True)
        cases.append(sentence_case(bleu, hyps, refs_all[:1], metric="bleu", tokenize="zh", lowercase=False,
                                   smooth=smooth, smooth_value=value, effective_order=True, set="zh", nrefs=1))
for set_name in ("en", "zh"):
    hyps, refs_all = SETS[set_name]
    for ws in (False, True):
        for eps in (False, True):
            if not ws and not eps:
                continue
            chrf = CHRF(word_order=2, whitespace=ws, eps_smoothing=eps)
            params = dict(metric="chrf", word_order=2, lowercase=False, whitespace=ws, eps_smoothing=eps,
                          set=set_name, nrefs=2)
            cases.append(corpus_case(chrf, hyps, refs_all, **params))
            cases.append(sentence_case(chrf, hyps, refs_all, **params))

# Paired bootstrap (sacreBLEU --paired-bs): baseline = a perturbed copy, systems = two others.
hyps, refs_all = SETS["en"]
ref = refs_all[0]
systems = [("baseline", hyps)] + [
    (f"system{k}", [" ".join(perturb(r, lambda s: s.split(" "))) for r in ref]) for k in (1, 2)]
metrics = {"BLEU": BLEU(), "chrF2": CHRF(), "TER": TER()}
sigs, results = PairedTest(systems, metrics, [ref], test_type="bs", n_samples=1000)()
bootstrap = {"systems": {name: h for name, h in systems}, "reference": ref, "results": {}}
for metric_name, rows in results.items():
    if metric_name == "System":
        continue
    bootstrap["results"][metric_name] = [
        dict(system=systems[i][0], score=float(r.score), mean=float(r.mean), ci=float(r.ci),
             p_value=None if r.p_value is None else float(r.p_value))
        for i, r in enumerate(rows)]

fixture = dict(
    generator="Eval/metrics/make_parity_fixture.py",
    sacrebleu_version=sacrebleu.__version__,
    sets={k: dict(hyps=h, refs=r) for k, (h, r) in SETS.items()},
    cases=cases,
    bootstrap=bootstrap,
)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
tmp = OUT + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False, indent=None, separators=(",", ":"))
    f.write("\n")
os.replace(tmp, OUT)
print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")
