#!/bin/bash
# Kills a --temp-lora parallel run with SIGKILL ~1.3 s into a background training, resumes it and
# checks the folder against an uninterrupted run (ResumeKillTests does the same for cascaded).
# Run from the package root: Eval/translate/kill-resume-parallel.sh [OUTDIR]
Y=${YANFU:-.build/release/yanfu}
F=Tests/Fixtures/translate; O=${1:-/tmp/yanfu-kill-parallel}; mkdir -p $O
args() { echo translate $F/tiny.txt --out $1 --temp-lora parallel --chapters 1 --chunk-tokens 24 --epochs 1 --rank 4 --threads 2 --force; }
$Y $(args $O/par-ref) --quiet
$Y $(args $O/par-kill) 2>$O/par-kill.err &
pid=$!
while ! grep -q "background" $O/par-kill.err 2>/dev/null; do sleep 0.05; done
sleep 1.3; kill -9 $pid; wait $pid
echo "killed with $(wc -l < $O/par-kill/segments.jsonl) records"
$Y $(args $O/par-kill | sed 's/--force/--resume/') --quiet
for f in translation.txt bilingual.md adapter/adapter_model.safetensors adapter/adapter_config.json; do cmp $O/par-ref/$f $O/par-kill/$f && echo "same $f"; done
O=$O python3 - <<'P'
import json, os; O = os.environ['O']
def s(p): return [{k:v for k,v in json.loads(l).items() if k not in ('seconds','tokens_per_second')} for l in open(p)]
print("segments same:", s(O + '/par-ref/segments.jsonl')==s(O + '/par-kill/segments.jsonl'))
P
