#!/usr/bin/env bash
# The guard.sh comparison on the bundled sample book (four chapters, a session's compute, where
# 紅樓夢 takes days): Temp-LoRA off, cascaded with the output guard (the default) and cascaded
# without it, each with the sample's glossary and the default model, compared against the
# project's reference English (d-BLEU, chrF, bootstrap over the chapters; the glossary's names).
# Resumable: rerun to continue.
#   Eval/templora/sample.sh          (MODEL=catalog name or path)
source "$(dirname "$0")/common.sh"
MODEL="${MODEL:-qwen2.5-coder-1.5b-instruct}"
SAMPLE="$ROOT/Corpora/sample"
RUN="$RUNS/sample-$(basename "$MODEL")"
DEST="$RESULTS/sample-$(basename "$MODEL")"
mkdir -p "$RUN" "$DEST"
"$YANFU" model fetch "$MODEL" >/dev/null 2>&1 || true   # a path is used as it is
for run in off:off:on cascaded-guard:cascaded:on cascaded-noguard:cascaded:off; do
    IFS=: read -r name mode guard <<< "$run"
    translate_timed "$RUN/$name" "$RUN/$name.time" "$SAMPLE/zh.txt" --glossary "$SAMPLE/glossary.tsv" --model "$MODEL" \
        --temp-lora "$mode" --guard "$guard"
    cp "$RUN/$name/report.md" "$DEST/run-$name.md"
done
{ echo "machine: $(machine)"; for n in off cascaded-guard cascaded-noguard; do echo "$n: $(cat "$RUN/$n.time")"; done; } > "$DEST/walltimes.txt"
"$YANFU" compare "$RUN/off" "$RUN/cascaded-guard" "$RUN/cascaded-noguard" --reference "$SAMPLE/en.txt" \
    --glossary "$SAMPLE/glossary.tsv" --out "$DEST"
