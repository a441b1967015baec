#!/usr/bin/env bash
# The quality baseline of the three catalog models (yanfu model list), resumable:
#  1. 200 Tatoeba pairs (tatoeba.py) translated one sentence at a time with no context, scored
#     with `yanfu score` (sacreBLEU-identical BLEU and chrF over the 200 sentences);
#  2. 紅樓夢 chapters 1-3 (../shared/corpora/hongloumeng) translated with Temp-LoRA off and
#     cascaded (every other setting the default), compared against Joly's English with
#     `yanfu compare` (d-BLEU, chrF, bootstrap p-values against the first run).
# Run folders go to runs/baseline (not committed); results/ gets the reports and the timings.
#   Eval/baseline/run.sh [CHAPTERS]     (default 1-3)
#   PARTS=hongloumeng Eval/baseline/run.sh 1-3    (one part only: tatoeba or hongloumeng)
# A 紅樓夢 run folder is one per model and mode: a later, longer CHAPTERS extends it (1, then 1-3).
RUNS="${RUNS:-$(cd "$(dirname "$0")/../.." && pwd)/runs/baseline}"
source "$(dirname "$0")/../templora/common.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
CHAPTERS="${1:-1-3}"
MODELS=(gemma-3-270m qwen2.5-coder-0.5b-instruct qwen2.5-coder-1.5b-instruct)
for m in "${MODELS[@]}"; do "$YANFU" model fetch "$m"; done

PARTS="${PARTS:-tatoeba hongloumeng}"
if [[ " $PARTS " == *" tatoeba "* ]]; then
T="$RUNS/tatoeba"
mkdir -p "$T"
python3 "$HERE/tatoeba.py" prepare "$CORPORA/tatoeba/cmn.txt" "$T"
: > "$RESULTS/tatoeba-200.txt"
for m in "${MODELS[@]}"; do
    out="$T/$m"
    [ -f "$out/run.json" ] && grep -q '"finished" *: *true' "$out/run.json" || \
        "$YANFU" translate "$T/zh.txt" --model "$m" --temp-lora off --context-tokens 0 --out "$out" $(resume_flag "$out") --quiet
    python3 "$HERE/tatoeba.py" hyp "$out" "$T/$m.en"
    echo "$m: $("$YANFU" score --hyp "$T/$m.en" --ref "$T/en.txt" --metrics bleu,chrf | tr '\n' ' ')" >> "$RESULTS/tatoeba-200.txt"
done
echo "machine: $(machine)" >> "$RESULTS/tatoeba-200.txt"
cat "$RESULTS/tatoeba-200.txt"
fi
[[ " $PARTS " == *" hongloumeng "* ]] || exit 0

H="$RUNS/hongloumeng"
mkdir -p "$H"
TIMES="$RESULTS/hongloumeng-$CHAPTERS-times.txt"
: > "$TIMES"
# The default model first; compare lists its runs first (p-values are against the first run).
for run in qwen2.5-coder-1.5b-instruct:off qwen2.5-coder-1.5b-instruct:cascaded qwen2.5-coder-0.5b-instruct:off \
           gemma-3-270m:off gemma-3-270m:cascaded qwen2.5-coder-0.5b-instruct:cascaded; do
    m="${run%%:*}" mode="${run##*:}"
    out="$H/$m-$mode"
    log="$H/$m-$mode-$CHAPTERS.time"
    translate_timed "$out" "$log" "$CORPORA/hongloumeng/zh.txt" --chapters "$CHAPTERS" --model "$m" --temp-lora "$mode"
    echo "$m $mode: $(cat "$log")" >> "$TIMES"
done
echo "machine: $(machine)" >> "$TIMES"
runs=()
for m in qwen2.5-coder-1.5b-instruct qwen2.5-coder-0.5b-instruct gemma-3-270m; do
    runs+=("$H/$m-off" "$H/$m-cascaded")
done
"$YANFU" compare "${runs[@]}" --reference "$CORPORA/hongloumeng/en.txt" --out "$RESULTS/hongloumeng-$CHAPTERS"
