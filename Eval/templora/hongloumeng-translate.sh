#!/usr/bin/env bash
# Experiment (b): translate 紅樓夢 chapters 1-10 with Temp-LoRA off, cascaded and parallel (one
# after the other, timed by Eval/translate/measure-strategies.sh), then compare the runs against
# Joly's English: d-BLEU by chapter, chrF, name consistency, and the reference perplexity of
# experiment (a) plotted beside them; analysis.md adds time, length and variety by chapter.
# Resumable: rerun the script to continue the mode it stopped in. With EXTEND set to a shorter
# range run before (same first chapter), the new runs start as copies of those and go on from
# where they ended (`translate --resume` with the longer --chapters), which gives the same folders
# as starting over with the longer range and saves the chapters already done.
#   Eval/templora/hongloumeng-translate.sh [CHAPTERS]     (default 1-10)
#   EXTEND=1-3 Eval/templora/hongloumeng-translate.sh 1-10
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1-10}"
RUN="$RUNS/hongloumeng-translate-$CHAPTERS"
if [ -n "${EXTEND:-}" ] && [ ! -d "$RUN" ]; then
    mkdir -p "$RUN"
    for mode in off cascaded parallel; do cp -a "$RUNS/hongloumeng-translate-$EXTEND/$mode" "$RUN/"; done
fi
YANFU="$YANFU" "$HERE/../translate/measure-strategies.sh" "$CORPORA/hongloumeng/zh.txt" "$CHAPTERS" "$RUN"
PPL=()
[ -f "$RESULTS/hongloumeng-ppl/eval.json" ] && PPL=(--ppl "$RESULTS/hongloumeng-ppl/eval.json")
DEST="$RESULTS/hongloumeng-translate-$CHAPTERS"
"$YANFU" compare "$RUN/off" "$RUN/cascaded" "$RUN/parallel" --reference "$CORPORA/hongloumeng/en.txt" \
    --glossary "$HERE/hongloumeng-names.tsv" "${PPL[@]}" --out "$DEST"
{ echo "machine: $(machine)"; cat "$RUN/walltimes.txt"; } > "$DEST/walltimes.txt"
for mode in off cascaded parallel; do cp "$RUN/$mode/report.md" "$DEST/run-$mode.md"; done
python3 "$HERE/analyze-translate.py" "$CORPORA/hongloumeng/en.txt" "$RUN/off" "$RUN/cascaded" "$RUN/parallel" > "$DEST/analysis.md"
