#!/usr/bin/env bash
# Experiment (c): how the reference-PPL gain depends on the Temp-LoRA hyperparameters, on a few
# chapters of 紅樓夢: epochs {1,2,3}, rank {16,64}, learning rate {5e-5,1e-4,3e-4}, one at a time
# around the paper's defaults (2 steps, r 64, lr 5e-5). Writes results/sensitivity-CHAPTERS/table.md;
# rerunning continues: finished configurations are skipped, a killed one resumes.
#   Eval/templora/sensitivity.sh [CHAPTERS]     (default 1)
source "$(dirname "$0")/common.sh"
CHAPTERS="${1:-1}"
DEST="$RESULTS/sensitivity-$CHAPTERS"
mkdir -p "$DEST"
configs=("epochs=2 rank=64 lr=5e-5" "epochs=1 rank=64 lr=5e-5" "epochs=3 rank=64 lr=5e-5"
         "epochs=2 rank=16 lr=5e-5" "epochs=2 rank=64 lr=1e-4" "epochs=2 rank=64 lr=3e-4")
for c in "${configs[@]}"; do
    eval "$c"
    name="e$epochs-r$rank-lr$lr"
    OUT="$RUNS/sensitivity-$CHAPTERS-$name"
    [ -s "$DEST/$name.json" ] && continue   # finished (a killed run leaves no JSON and resumes)
    start=$(date +%s)
    "$YANFU" eval-ppl --source "$CORPORA/hongloumeng/zh.txt" --reference "$CORPORA/hongloumeng/en.txt" \
        --dictionary "$CORPORA/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz" --chapters "$CHAPTERS" \
        --epochs "$epochs" --rank "$rank" --lr "$lr" --out "$OUT" $(resume_flag "$OUT") --json > "$DEST/$name.json.part"
    mv "$DEST/$name.json.part" "$DEST/$name.json"
    echo "$name: $(( $(date +%s) - start )) s (this session)" >> "$DEST/durations.txt"
done
python3 - "$DEST" <<'PY'
import json, os, sys
d = sys.argv[1]
rows = []
for f in sorted(os.listdir(d)):
    if f.endswith(".json"):   # not .json.part
        j = json.load(open(os.path.join(d, f)))
        s = j["settings"]
        rows.append((s["epochs"], s["rank"], s["learning_rate"], j["base_ppl"], j["temp_lora_ppl"], j["relative_change"],
                     j["second_half"]["relative_change"], j["seconds"]))
with open(os.path.join(d, "table.md"), "w") as out:
    out.write("| steps/chunk | rank | lr | base PPL | Temp-LoRA PPL | change | change, 2nd half | compute s |\n")
    out.write("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in sorted(rows):
        half = "–" if r[6] is None else "%+.1f%%" % (100 * r[6])
        out.write("| %d | %d | %g | %.3f | %.3f | %+.1f%% | %s | %.0f |\n" % (r[0], r[1], r[2], r[3], r[4], 100 * r[5], half, r[7]))
print(open(os.path.join(d, "table.md")).read())
PY
