#!/bin/sh
# Translates the same chapters of a book with --temp-lora off, cascaded and parallel, one after
# the other (never concurrently: they share the cores), and prints each run's wall time and
# report summary. Usage: Eval/translate/measure-strategies.sh BOOK CHAPTERS OUTDIR [extra args]
set -eu
book=$1; chapters=$2; out=$3; shift 3
yanfu=${YANFU:-.build/release/yanfu}
mkdir -p "$out"
for mode in off cascaded parallel; do
    start=$(date +%s.%N)
    "$yanfu" translate "$book" --chapters "$chapters" --out "$out/$mode" --temp-lora "$mode" --force --quiet "$@"
    end=$(date +%s.%N)
    echo "$mode wall_seconds $(echo "$end - $start" | bc)" | tee -a "$out/walltimes.txt"
done
for mode in off cascaded parallel; do
    echo "== $mode"; sed -n '/## Timings/,/^$/p;/## Temp-LoRA/,/^| update/p' "$out/$mode/report.md"
done
