#!/usr/bin/env bash
# Experiment (b): translate 紅樓夢 chapters 1-10 with Temp-LoRA off, cascaded and parallel, then
# compare the runs against Joly's English (d-BLEU by chapter, chrF, name consistency) with the
# reference perplexity of experiment (a) plotted beside them.
#   Eval/templora/hongloumeng-translate.sh [CHAPTERS]     (default 1-10)
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1-10}"
for mode in off cascaded parallel; do
    OUT="$RUNS/hongloumeng-$CHAPTERS-$mode"
    start=$(date +%s)
    "$YANFU" translate "$CORPORA/hongloumeng/zh.txt" --chapters "$CHAPTERS" --temp-lora "$mode" \
        --out "$OUT" $(resume_flag "$OUT")
    echo "$mode: $(( $(date +%s) - start )) s this session; machine: $(machine)" >> "$RUNS/hongloumeng-$CHAPTERS-walltimes.txt"
done
PPL=()
[ -f "$RESULTS/hongloumeng-ppl/eval.json" ] && PPL=(--ppl "$RESULTS/hongloumeng-ppl/eval.json")
DEST="$RESULTS/hongloumeng-translate-$CHAPTERS"
"$YANFU" compare "$RUNS/hongloumeng-$CHAPTERS-off" "$RUNS/hongloumeng-$CHAPTERS-cascaded" "$RUNS/hongloumeng-$CHAPTERS-parallel" \
    --name off --name cascaded --name parallel --reference "$CORPORA/hongloumeng/en.txt" \
    --glossary "$HERE/hongloumeng-names.tsv" "${PPL[@]}" --out "$DEST"
cp "$RUNS/hongloumeng-$CHAPTERS-walltimes.txt" "$DEST/walltimes.txt"
for mode in off cascaded parallel; do cp "$RUNS/hongloumeng-$CHAPTERS-$mode/report.md" "$DEST/run-$mode.md"; done
