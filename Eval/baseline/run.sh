#!/usr/bin/env bash
# The quality baseline of the three catalog models (yanfu model list), resumable:
#  1. 200 Tatoeba pairs (tatoeba.py) translated one sentence at a time with no context, scored
#     with `yanfu score` (sacreBLEU-identical BLEU and chrF over the 200 sentences);
#  2. 紅樓夢 chapters 1-3 (../shared/corpora/hongloumeng) translated with Temp-LoRA off and
#     cascaded (every other setting the default), compared against Joly's English with
#     `yanfu compare` (d-BLEU, chrF, bootstrap p-values against the first run).
# Run folders go to runs/baseline (not committed); results/ gets the reports and the timings.
#   Eval/baseline/run.sh [CHAPTERS]     (default 1-3)
RUNS="${RUNS:-$(cd "$(dirname "$0")/../.." && pwd)/runs/baseline}"
source "$(dirname "$0")/../templora/common.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
CHAPTERS="${1:-1-3}"
MODELS=(gemma-3-270m qwen2.5-coder-0.5b-instruct qwen2.5-coder-1.5b-instruct)
for m in "${MODELS[@]}"; do "$YANFU" model fetch "$m"; done

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

runs=()
mkdir -p "$RUNS/hongloumeng-$CHAPTERS"
: > "$RESULTS/hongloumeng-$CHAPTERS-times.txt"
for m in qwen2.5-coder-1.5b-instruct qwen2.5-coder-0.5b-instruct gemma-3-270m; do   # the default first
    for mode in off cascaded; do
        out="$RUNS/hongloumeng-$CHAPTERS/$m-$mode"
        log="$RUNS/hongloumeng-$CHAPTERS/$m-$mode.time"
        [ -f "$out/run.json" ] && grep -q '"finished" *: *true' "$out/run.json" || \
            /usr/bin/time -f "%e s wall, %M KB peak RSS" -o "$log" "$YANFU" translate "$CORPORA/hongloumeng/zh.txt" \
                --chapters "$CHAPTERS" --model "$m" --temp-lora "$mode" --out "$out" $(resume_flag "$out") --quiet
        runs+=("$out")
        echo "$m $mode: $(cat "$log" 2>/dev/null)" >> "$RESULTS/hongloumeng-$CHAPTERS-times.txt"
    done
done
"$YANFU" compare "${runs[@]}" --reference "$CORPORA/hongloumeng/en.txt" --out "$RESULTS/hongloumeng-$CHAPTERS"

