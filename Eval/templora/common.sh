# Shared by the Temp-LoRA experiment scripts: where things are.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CORPORA="$(cd "${CORPORA:-$ROOT/../shared/corpora}" 2>/dev/null && pwd || echo "${CORPORA:-$ROOT/../shared/corpora}")"   # canonical: resumes compare paths
RUNS="${RUNS:-$ROOT/runs/templora}"     # working folders (not committed; resumable)
RESULTS="$HERE/results"                  # what is committed
YANFU="${YANFU:-$ROOT/.build/release/yanfu}"
if [ ! -x "$YANFU" ]; then (cd "$ROOT" && swift build -c release --product yanfu); fi
# NEEDS_CORPORA=0: the script reads only the repository's own sample book.
[ "${NEEDS_CORPORA:-1}" = 0 ] || for f in "$CORPORA/hongloumeng/zh.txt" "$CORPORA/hongloumeng/en.txt"; do
    [ -f "$f" ] || { echo "missing $f (see Corpora/README.md)" >&2; exit 1; }
done
mkdir -p "$RUNS" "$RESULTS"
# Continue a run folder that exists, start one that does not.
resume_flag() { [ -f "$1/settings.json" ] || [ -f "$1/run.json" ] && echo --resume || true; }
machine() { echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) threads, $(free -g | awk '/Mem:/{print $2}') GiB, yanfu $("$YANFU" --version)"; }
# Runs `yanfu translate BOOK --out OUT …` under /usr/bin/time (wall time and peak RSS to LOG),
# continuing OUT if it exists; skipped when OUT is finished and LOG was written.
#   translate_timed OUT LOG BOOK [translate options]
translate_timed() {
    local out="$1" log="$2" book="$3"; shift 3
    [ -f "$out/run.json" ] && grep -q '"finished" *: *true' "$out/run.json" && [ -f "$log" ] && return 0
    /usr/bin/time -f "%e s wall, %M KB peak RSS" -o "$log" "$YANFU" translate "$book" --out "$out" $(resume_flag "$out") --quiet "$@"
}
