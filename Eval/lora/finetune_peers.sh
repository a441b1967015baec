#!/usr/bin/env bash
# An adapter trained by `yanfu finetune` on a few pages of Joly's English, measured three ways
# (Eval/lora/RESULTS.md §1): yanfu perplexity, transformers + PEFT on the PEFT folder, and
# llama-perplexity --lora on the GGUF export; base model and adapter, ctx 512.
#   Eval/lora/finetune_peers.sh [MODEL] [WORKDIR]   (MODEL: a path or catalog name; default the default model)
# Needs `swift build -c release`, the peers' venv and llama.cpp under ~/.cache/peers (see ../shared/PEERS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-gemma-3-270m}
work=${2:-/tmp/yanfu-lora-eval-$(basename "$model")}
yanfu=.build/release/yanfu
peers=${PEERS:-$HOME/.cache/peers}
path=$($yanfu model path "$model" 2>/dev/null || echo "$model")
mkdir -p "$work"
head -c 12000 ../shared/corpora/hongloumeng/en.txt > "$work/pages.txt"
[ -d "$work/adapter" ] || $yanfu finetune --model "$path" --data "$work/pages.txt" --out "$work/adapter" \
    --rank 64 --alpha 64 --lr 2e-4 --epochs 2 --ctx 512 --threads 2 --json > "$work/finetune.json"
$yanfu adapter export "$work/adapter" --model "$path" --format gguf --out "$work/adapter.gguf"
echo "yanfu base:      $($yanfu perplexity --model "$path" --file "$work/pages.txt" --ctx 512 --threads 2 --json)"
echo "yanfu adapter:   $($yanfu perplexity --model "$path" --file "$work/pages.txt" --ctx 512 --threads 2 --json --adapter "$work/adapter")"
llama() { "$peers/llama/build/bin/llama-perplexity" -m "$path" -f "$work/pages.txt" -c 512 -t 2 "$@" 2>&1 | grep -o 'Final estimate.*'; }
echo "llama.cpp base:    $(llama)"
echo "llama.cpp adapter: $(llama --lora "$work/adapter.gguf")"
echo "transformers + PEFT: $("$peers/venv/bin/python" Eval/lora/ppl_peers.py "$work/pages.txt" "$work/adapter" 512 "$path" 2>/dev/null | tail -1)"
