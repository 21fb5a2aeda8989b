#!/usr/bin/env bash
# Whole-tile scoring throughput and peak memory: `stainshift score` (decode, deconvolution, tissue,
# nuclei, cells, scores) vs a textbook scikit-image pipeline (skimage_pipeline.py: rgb2hed, Otsu,
# distance-transform watershed, per-nucleus mean DAB) on the same synthetic 2048 x 2048 tiles.
#
# Three ways of running each, every tile in its own process (as a batch scheduler would):
#   one at a time      latency of one tile, its internal parallelism only;
#   one per core       tiles scored side by side on all cores (`xargs -P nproc`, each process with
#                      `--threads 1`, as a scheduler giving each job one core runs it): the
#                      throughput of a machine working through a cohort;
#   CPU                pixels per CPU-second (user + sys): comparable when other jobs share the machine.
# And StainShift's own batch path: `stainshift score-slide` over the tiles listed 4 times (one
# worker per core, buffers reused from tile to tile, as `stainshift run` does for a cohort),
# against scikit-image as a batch (a Python process per core looping over its share of the tiles)
# and as one Python process looping over all the tiles (the script as a textbook runs it).
# The tiles are scored as PNG (zlib: decoding is ~15% of the work) and as LZW TIFF.
# Targets (issue 4): >= 20 MPix/s on all cores, >= 10x scikit-image, peak RSS < 10x the tile's RGB size.
# Usage: Benchmarks/scoring/bench.sh [TILES=6] [SIZE=2048] [MARKER=pdl1]
. "$(dirname "$0")/../prelude.sh"
tiles="${1:-6}"
size="${2:-2048}"
marker="${3:-pdl1}"
cores="$(nproc)"

stainshift_bin
echo "scoring bench: $tiles synthetic $marker tiles of ${size}x${size}, $cores cores" >&2
for i in $(seq 1 "$tiles"); do
    "$bin" synth tile "$work/tile$i.png" --marker "$marker" --seed "$i" --size "$size"
    "$bin" convert "$work/tile$i.png" "$work/tile$i.tif" --compression lzw
done

reference_venv

# run PARALLEL EXT command... -> "wall cpu maxrss_kb": the command on every tile, PARALLEL at a time,
# under one /usr/bin/time per tile (CPU summed, RSS the largest) and one for the whole set (wall).
run() {
    local parallel="$1" ext="$2"; shift 2
    rm -f "$work"/*.time
    local start wall
    start=$(now)
    ls "$work"/tile*."$ext" | xargs -P "$parallel" -I{} sh -c '/usr/bin/time -o "$0.time" -f "TIME %U %S %M" "$@" "$0" >/dev/null 2>&1' {} "$@"
    wall=$(since "$start")
    cat "$work"/*.time | awk -v w="$wall" \
        '/^TIME/ { cpu += $2 + $3; if ($4 > rss) rss = $4 } END { print w, cpu, rss }'
}

mpix=$(awk -v n="$tiles" -v s="$size" 'BEGIN { print n * s * s / 1e6 }')
rate() { awk -v p="$mpix" -v t="$1" 'BEGIN { printf "%.1f", p / t }'; }
rgb_kb=$(( size * size * 3 / 1024 ))
ours=("$bin" score --marker "$marker" --json /dev/null)
# Without the OpenBLAS core-type overrides some machines set for old OpenBLAS builds: they slow a
# current numpy, and the reference should run at its best.
skimage=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" "$here/skimage_pipeline.py")

read -r o1_wall o1_cpu o1_rss < <(run 1 png "${ours[@]}")
read -r oP_wall oP_cpu oP_rss < <(run "$cores" png "${ours[@]}" --threads 1)
read -r t1_wall t1_cpu t1_rss < <(run 1 tif "${ours[@]}")
read -r tP_wall tP_cpu tP_rss < <(run "$cores" tif "${ours[@]}" --threads 1)
read -r s1_wall s1_cpu s1_rss < <(run 1 png "${skimage[@]}")
read -r sP_wall sP_cpu sP_rss < <(run "$cores" png "${skimage[@]}")

# Batch: one process for 4 x the tiles; wall time of the whole run.
batch() { # EXT -> "wall cpu maxrss_kb"
    local manifest="$work/batch-$1.tsv"
    printf 'patient\ttimepoint\tmarker\tslide\timage\n' > "$manifest"
    # Distinct names (a manifest lists each image once).
    for round in 1 2 3 4; do
        for t in "$work"/tile*."$1"; do
            ln -sf "$t" "$work/batch$round-$(basename "$t")"
            printf 'P1\tpre\t%s\tS1\t%s\n' "$marker" "$work/batch$round-$(basename "$t")" >> "$manifest"
        done
    done
    local start wall
    start=$(now)
    /usr/bin/time -o "$work/batch.time" -f "TIME %U %S %M" "$bin" score-slide "$manifest" --slide S1 -o "$work/part.json" --quiet
    wall=$(since "$start")
    awk -v w="$wall" '/^TIME/ { print w, $2 + $3, $4 }' "$work/batch.time"
}
read -r bP_wall bP_cpu bP_rss < <(batch png)
read -r bT_wall bT_cpu bT_rss < <(batch tif)

# scikit-image as a batch too: one Python process per core, each scoring its share of the tiles
# (imports paid once per process, as in a script looping over a cohort). Wall time of the whole.
skimage_batch() {
    local per=$(( (tiles + cores - 1) / cores )) start
    start=$(now)
    ls "$work"/tile*.png | xargs -P "$cores" -n "$per" "${skimage[@]}" >/dev/null 2>&1
    since "$start"
}
sB_wall=$(skimage_batch)
# And the script as a textbook would run it: one Python process looping over all the tiles.
skimage_loop() {
    local start
    start=$(now)
    "${skimage[@]}" "$work"/tile*.png >/dev/null 2>&1
    since "$start"
}
sL_wall=$(skimage_loop)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $tiles tiles = $mpix MPix"
printf '%-44s %12s %12s %9s %14s\n' "" "one at a time" "one per core" "CPU" "peak RSS MB"
row() { printf '%-44s %12s %12s %9s %8d (%sx)\n' "$1" "$(rate "$2")" "$(rate "$3")" "$(rate "$4")" $(( $5 / 1024 )) \
        "$(awk -v a="$5" -v b="$rgb_kb" 'BEGIN { printf "%.1f", a / b }')"; }
row "stainshift score, PNG tiles (MPix/s)" "$o1_wall" "$oP_wall" "$oP_cpu" "$oP_rss"
row "stainshift score, LZW TIFF tiles (MPix/s)" "$t1_wall" "$tP_wall" "$tP_cpu" "$tP_rss"
row "scikit-image textbook pipeline, PNG (MPix/s)" "$s1_wall" "$sP_wall" "$sP_cpu" "$sP_rss"
batch_rate() { awk -v p="$mpix" -v t="$1" 'BEGIN { printf "%.1f", 4 * p / t }'; }
printf '%-44s %12s %12s %9s %8d MB\n' "stainshift score-slide batch, PNG (MPix/s)" "" "$(batch_rate "$bP_wall")" "$(batch_rate "$bP_cpu")" $(( bP_rss / 1024 ))
printf '%-44s %12s %12s %9s %8d MB\n' "stainshift score-slide batch, TIFF (MPix/s)" "" "$(batch_rate "$bT_wall")" "$(batch_rate "$bT_cpu")" $(( bT_rss / 1024 ))
printf '%-44s %12s %12s\n' "scikit-image batch, a process per core (MPix/s)" "" "$(rate "$sB_wall")"
printf '%-44s %12s\n' "scikit-image loop, one process (MPix/s)" "$(rate "$sL_wall")"
echo "stainshift (one per core, PNG) / scikit-image as written (one at a time): $(ratio "$s1_wall" "$oP_wall" %.1fx)"
echo "stainshift / scikit-image, both one per core (like for like):            $(ratio "$sP_wall" "$oP_wall" %.1fx)"
echo "stainshift / scikit-image per CPU-second:                                 $(ratio "$sP_cpu" "$oP_cpu" %.1fx)"
echo "stainshift batch (PNG) / scikit-image as written (one at a time):           $(ratio "$(batch_rate "$bP_wall")" "$(rate "$s1_wall")" %.1fx)"
echo "stainshift batch (LZW TIFF) / scikit-image as written (PNG, one at a time): $(ratio "$(batch_rate "$bT_wall")" "$(rate "$s1_wall")" %.1fx)"
echo "stainshift batch (PNG) / scikit-image batch (like for like):                $(ratio "$(batch_rate "$bP_wall")" "$(rate "$sB_wall")" %.1fx)"
echo "stainshift batch (PNG) / scikit-image loop in one process:                 $(ratio "$(batch_rate "$bP_wall")" "$(rate "$sL_wall")" %.1fx)"
echo "stainshift batch (LZW TIFF) / scikit-image loop in one process (PNG):       $(ratio "$(batch_rate "$bT_wall")" "$(rate "$sL_wall")" %.1fx)"
for t in "$work"/tile1.png "$work"/tile2.png; do
    "$bin" score "$t" --marker "$marker" --json "$t.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[1].split('/')[-1], 'cells', d['cells']['total'], 'percent_positive', d['scores']['percent_positive'], 'flags', d['qc']['flags'])" "$t.json" >&2
done
