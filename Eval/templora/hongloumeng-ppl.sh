#!/usr/bin/env bash
# Experiment (a): the paper's teacher-forced evaluation on 紅樓夢 chapters 1-30 against Joly's
# English, default model, paper defaults (Δ 1024, L_X = L_T = 1024, 2 steps, r 64, lr 5e-5).
# Resumable: rerun the script to continue; results are refreshed after every chunk.
#   Eval/templora/hongloumeng-ppl.sh [CHAPTERS]     (default 1-30)
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1-30}"
OUT="$RUNS/hongloumeng-ppl-$CHAPTERS"
start=$(date +%s)
"$YANFU" eval-ppl --source "$CORPORA/hongloumeng/zh.txt" --reference "$CORPORA/hongloumeng/en.txt" \
    --dictionary "$CORPORA/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz" --chapters "$CHAPTERS" \
    --out "$OUT" $(resume_flag "$OUT")
DEST="$RESULTS/hongloumeng-ppl"
mkdir -p "$DEST"
cp "$OUT/eval.json" "$OUT/report.md" "$OUT/ppl-by-chapter.svg" "$DEST/"
echo "machine: $(machine); this session $(( $(date +%s) - start )) s" >> "$DEST/sessions.txt"
