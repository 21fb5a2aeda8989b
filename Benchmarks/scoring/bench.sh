#!/usr/bin/env bash
# Whole-tile scoring throughput and peak memory: `stainshift score` (decode, deconvolution, tissue,
# nuclei, cells, scores) vs a textbook scikit-image pipeline (skimage_pipeline.py: rgb2hed, Otsu,
# distance-transform watershed, per-nucleus mean DAB) on the same synthetic 2048 x 2048 tiles.
# Targets (issue 4): >= 20 MPix/s on all cores, >= 10x scikit-image, peak RSS < 10x the tile's RGB size.
# Usage: Benchmarks/scoring/bench.sh [TILES=4] [SIZE=2048] [MARKER=pdl1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tiles="${1:-4}"
size="${2:-2048}"
marker="${3:-pdl1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

swift build -c release --product stainshift >&2
bin="$root/.build/release/stainshift"
echo "scoring bench: $tiles synthetic $marker tiles of ${size}x${size}, $(nproc) cores" >&2
list=()
for i in $(seq 1 "$tiles"); do
    "$bin" synth tile "$work/tile$i.png" --marker "$marker" --seed "$i" --size "$size"
    list+=("$work/tile$i.png")
done

# StainShift: one process per tile, as a workflow engine would run it; wall time over all tiles.
start=$(date +%s.%N)
for t in "${list[@]}"; do "$bin" score "$t" --marker "$marker" --json "$t.json"; done
end=$(date +%s.%N)
ours=$(awk -v n="$tiles" -v s="$size" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n * s * s / (b - a) / 1e6 }')
rss_ours=$( { /usr/bin/time -v "$bin" score "${list[0]}" --marker "$marker" --json /dev/null; } 2>&1 | awk '/Maximum resident/ { print $6 }')

venv="$root/Benchmarks/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet scikit-image numpy scipy >&2
fi
sk_line="$("$venv/bin/python" "$here/skimage_pipeline.py" "${list[@]}" 2>/dev/null)"
sk=$(echo "$sk_line" | awk '{ print $2 }')
rss_sk=$( { /usr/bin/time -v "$venv/bin/python" "$here/skimage_pipeline.py" "${list[0]}"; } 2>&1 | awk '/Maximum resident/ { print $6 }')

rgb_kb=$(( size * size * 3 / 1024 ))
printf '%-40s %8s MPix/s   peak RSS %6d MB (%.1fx tile RGB)\n' "stainshift score ($marker)" "$ours" $((rss_ours / 1024)) "$(awk -v a="$rss_ours" -v b="$rgb_kb" 'BEGIN { print a / b }')"
printf '%-40s %8s MPix/s   peak RSS %6d MB (%.1fx tile RGB)\n' "scikit-image textbook pipeline" "$sk" $((rss_sk / 1024)) "$(awk -v a="$rss_sk" -v b="$rgb_kb" 'BEGIN { print a / b }')"
printf '%-40s %8s\n' "stainshift / scikit-image" "$(awk -v a="$ours" -v b="$sk" 'BEGIN { printf "%.1fx", a / b }')"
for t in "${list[@]}"; do
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[1].split('/')[-1], 'cells', d['cells']['total'], 'percent_positive', d['scores']['percent_positive'], 'flags', d['qc']['flags'])" "$t.json" >&2
done
