#!/bin/sh
# Translates the same chapters of a book with --temp-lora off, cascaded and parallel, one after
# the other (never concurrently: they share the cores), and prints each run's wall time and
# report summary. Resumable: a mode whose folder exists is continued (--resume; a finished one
# is left as it is), so a run longer than a session is completed by running this again. Wall
# times are the runs' own, summed over sessions (report.md).
# Usage: Eval/translate/measure-strategies.sh BOOK CHAPTERS OUTDIR [extra args]
set -eu
book=$1; chapters=$2; out=$3; shift 3
yanfu=${YANFU:-.build/release/yanfu}
mkdir -p "$out"
for mode in off cascaded parallel; do
    if [ -f "$out/$mode/run.json" ]; then start=--resume; else start=--force; fi
    "$yanfu" translate "$book" --chapters "$chapters" --out "$out/$mode" --temp-lora "$mode" $start --quiet "$@"
done
: > "$out/walltimes.txt"
for mode in off cascaded parallel; do
    wall=$(sed -n 's/^| wall time (all sessions) | \([0-9.]*\) s in \([0-9]*\) session.*/\1 \2/p' "$out/$mode/report.md")
    echo "$mode wall_seconds ${wall% *} sessions ${wall#* }" | tee -a "$out/walltimes.txt"
done
for mode in off cascaded parallel; do
    echo "== $mode"; sed -n '/## Timings/,/^$/p;/## Temp-LoRA/,/^| update/p' "$out/$mode/report.md"
done
