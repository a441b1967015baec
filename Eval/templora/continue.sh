#!/usr/bin/env bash
# Taking over a translation (issue 21's "continue" proof): 紅樓夢 with Joly's chapters 1..N-1 as
# `translate --reference`, translating chapters N..M with Temp-LoRA cascaded after the adapter has
# trained on the reference, against the same chapters translated without the reference (Temp-LoRA
# off) and with the reference but Temp-LoRA off; compared against Joly (d-BLEU, chrF, paired bootstrap; how often each of
# hongloumeng-names.tsv's names is written in Joly's spelling).
# Resumable: rerun to continue (training on ten chapters of reference takes hours on 2 cores).
#   Eval/templora/continue.sh [FIRST_TRANSLATED] [LAST]    (default 11 13; MODEL=catalog name or path;
#   NAMES=glossary of Joly's spellings to count, default hongloumeng-names.tsv; for a short reference
#   hongloumeng-names-1-2.tsv adds the names Joly's chapter 1 introduces that recur in chapter 2)
source "$(dirname "$0")/common.sh"
FIRST="${1:-11}"
LAST="${2:-13}"
MODEL="${MODEL:-qwen2.5-coder-1.5b-instruct}"
NAMES="${NAMES:-$HERE/hongloumeng-names.tsv}"
RUN="$RUNS/continue-$(basename "$MODEL")"
DEST="$RESULTS/continue-$(basename "$MODEL")-$FIRST-$LAST"
mkdir -p "$RUN" "$DEST"
"$YANFU" model fetch "$MODEL" >/dev/null 2>&1 || true   # a path is used as it is
# Joly's English up to the heading of chapter FIRST: the chapters a translator would have.
REF="$RUN/joly-1-$((FIRST - 1)).txt"
python3 - "$CORPORA/hongloumeng/en.txt" "$FIRST" "$REF" <<'EOF'
import re, sys
src, first, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def roman(n):
    s = ""
    for v, r in [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")] * 4:
        while n >= v: s += r; n -= v
    return s
lines = open(src, encoding="utf-8").read().split("\n")
cut = next(i for i, l in enumerate(lines) if l.strip() == "CHAPTER %s." % roman(first))
open(out, "w", encoding="utf-8").write("\n".join(lines[:cut]).rstrip() + "\n")
EOF
run() {   # name, then translate's options
    local name="$1"; shift
    local out="$RUN/$name" log="$RUN/$name.time"
    translate_timed "$out" "$log" "$CORPORA/hongloumeng/zh.txt" --model "$MODEL" "$@"
    cp "$out/report.md" "$DEST/run-$name.md"
}
run reference --chapters "1-$LAST" --reference "$REF" --temp-lora cascaded
run off --chapters "$FIRST-$LAST" --temp-lora off
# What the reference gives without the adapter: Joly's English in the bilingual context and the
# names the automatic glossary takes from it.
run reference-off --chapters "1-$LAST" --reference "$REF" --temp-lora off
{ echo "machine: $(machine)"; for n in reference off reference-off; do echo "$n: $(cat "$RUN/$n.time")"; done; } > "$DEST/walltimes.txt"
# compare leaves out the chapters the reference run took from Joly; the rest are scored alike.
"$YANFU" compare "$RUN/off" "$RUN/reference-off" "$RUN/reference" --reference "$CORPORA/hongloumeng/en.txt" \
    --glossary "$NAMES" --out "$DEST"
# One or two chapters are one or two documents, too few to resample: the same runs once more, each
# line an aligner bead of the translated chapters (Joly's sentences against the runs' units).
BEADS="$RUN/beads"
"$YANFU" align --source "$CORPORA/hongloumeng/zh.txt" --target "$CORPORA/hongloumeng/en.txt" \
    --dictionary "$CORPORA/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz" --out "$BEADS/align" >/dev/null
python3 "$HERE/aligned_segments.py" "$BEADS/align" "$FIRST-$LAST" "$BEADS" "$RUN/off" "$RUN/reference-off" "$RUN/reference"
cd "$BEADS"   # the report names the systems by their files
"$YANFU" compare --ref ref.txt --hyp off.txt --hyp reference-off.txt --hyp reference.txt --report "$DEST/beads.md"
