#!/usr/bin/env bash
# Temp-LoRA trained on the run's own output, with and without the output guard (issue 21's
# "self-trained" proof): 紅樓夢 chapters translated with the default model, Temp-LoRA off, cascaded
# with the guard (the default) and cascaded without it, compared against Joly's English (d-BLEU,
# chrF, paired bootstrap against off, consistency of the names in hongloumeng-names.tsv), with
# each run's report.md (units flagged per chapter, updates undone) and wall times.
# `sample` instead of chapters runs the same on the bundled sample book with its glossary and
# reference (four chapters: a session's compute, where 紅樓夢 takes days).
# Resumable: rerun to continue; a longer CHAPTERS range (same first chapter) extends the runs.
#   Eval/templora/guard.sh [CHAPTERS|sample]   (default 1-10; MODEL=catalog name or path)
[ "${1:-}" = sample ] && NEEDS_CORPORA=0
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1-10}"
MODEL="${MODEL:-qwen2.5-coder-1.5b-instruct}"
if [ "$CHAPTERS" = sample ]; then
    BOOK="$ROOT/Corpora/sample/zh.txt" REF="$ROOT/Corpora/sample/en.txt" NAMES="$ROOT/Corpora/sample/glossary.tsv"
    OPTIONS=(--glossary "$NAMES")
    RUN="$RUNS/sample-$(basename "$MODEL")"
else
    BOOK="$CORPORA/hongloumeng/zh.txt" REF="$CORPORA/hongloumeng/en.txt" NAMES="$HERE/hongloumeng-names.tsv"
    OPTIONS=(--chapters "$CHAPTERS")
    RUN="$RUNS/guard-$(basename "$MODEL")"
fi
DEST="$RESULTS/guard-$(basename "$MODEL")-$CHAPTERS"
mkdir -p "$RUN" "$DEST"
"$YANFU" model fetch "$MODEL" >/dev/null 2>&1 || true   # a path is used as it is
for run in off:off:on cascaded-guard:cascaded:on cascaded-noguard:cascaded:off; do
    IFS=: read -r name mode guard <<< "$run"
    out="$RUN/$name"
    log="$RUN/$name-$CHAPTERS.time"
    translate_timed "$out" "$log" "$BOOK" "${OPTIONS[@]}" --model "$MODEL" --temp-lora "$mode" --guard "$guard"
    cp "$out/report.md" "$DEST/run-$name.md"
done
{ echo "machine: $(machine)"; for n in off cascaded-guard cascaded-noguard; do echo "$n: $(cat "$RUN/$n-$CHAPTERS.time")"; done; } > "$DEST/walltimes.txt"
"$YANFU" compare "$RUN/off" "$RUN/cascaded-guard" "$RUN/cascaded-noguard" --reference "$REF" --glossary "$NAMES" --out "$DEST"
