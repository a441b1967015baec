#!/usr/bin/env bash
# Experiment (b): translate 紅樓夢 chapters 1-10 with Temp-LoRA off, cascaded and parallel (one
# after the other, timed by Eval/translate/measure-strategies.sh), then compare the runs against
# Joly's English: d-BLEU by chapter, chrF, name consistency, and the reference perplexity of
# experiment (a) plotted beside them.
# Resumable: rerun the script to continue the mode it stopped in.
#   Eval/templora/hongloumeng-translate.sh [CHAPTERS]     (default 1-10)
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1-10}"
RUN="$RUNS/hongloumeng-translate-$CHAPTERS"
YANFU="$YANFU" "$HERE/../translate/measure-strategies.sh" "$CORPORA/hongloumeng/zh.txt" "$CHAPTERS" "$RUN"
PPL=()
[ -f "$RESULTS/hongloumeng-ppl/eval.json" ] && PPL=(--ppl "$RESULTS/hongloumeng-ppl/eval.json")
DEST="$RESULTS/hongloumeng-translate-$CHAPTERS"
"$YANFU" compare "$RUN/off" "$RUN/cascaded" "$RUN/parallel" --reference "$CORPORA/hongloumeng/en.txt" \
    --glossary "$HERE/hongloumeng-names.tsv" "${PPL[@]}" --out "$DEST"
{ echo "machine: $(machine)"; cat "$RUN/walltimes.txt"; } > "$DEST/walltimes.txt"
for mode in off cascaded parallel; do cp "$RUN/$mode/report.md" "$DEST/run-$mode.md"; done
