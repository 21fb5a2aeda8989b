#!/usr/bin/env bash
# Tiled scoring of large images (issue 16): `stainshift score` on one synthetic 2048 x 2048 tile
# (scored whole, today's path) and on mosaics of 4 x 4 (8192²) and 8 x 8 (16384²) copies of it,
# written as tiled TIFFs band by band (`stainshift synth mosaic`) and scored tile by tile by region
# reads (`--tile-size 2048`: a worker per core, each holding one tile).
# Reports wall time, MPix/s, peak RSS (/usr/bin/time), RSS against the single tile, the 16k/8k
# RSS ratio (flat = within 10% for 4x the area), and cells per copy against the single tile.
# Detection without per-image statistics (distance-watershed, threshold 0.15, --od-scale 1), so a
# copy's cells do not depend on which tile it falls in; DETECTION="" uses the default preset.
# Whole slides (PARTS includes "slides"): one 2048² tile at 0.25 µm/px and pyramidal slides of it
# (`stainshift synth slide`: levels at 4, 16, 64, read through OpenSlide as generic-tiff) of
# 24,576² and 49,152² (4x the area), scored side by side: REPEAT rounds (default 3) of the tile
# then the 24,576² slide, MPix/s against the tile as the ratio of the medians (target >= 0.9x),
# then the 49,152² slide once (BIG=0 skips it) for peak RSS (target <= 1.5 GB, and the 49k/24k
# ratio flat within 10%).
# Tissue on a 100,000² slide (PARTS includes "tissue"; mostly glass, one 2048² square of tissue):
# the tissue-map stage's time from --timings (target <= 2 s: it reads a low pyramid level, never level 0).
# Usage: Benchmarks/tiled/bench.sh [THREADS=nproc] [MARKER=pdl1]; PARTS="mosaic slides tissue" by default.
# STAINSHIFT_BIN=path skips the build and uses that binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${1:-$(nproc)}"
marker="${2:-pdl1}"
detection="${DETECTION---preset distance-watershed --detection-threshold 0.15 --od-scale 1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

parts="${PARTS:-mosaic slides tissue}"
repeat="${REPEAT:-3}"   # rounds of tile-then-slide for the throughput ratio (ratio of the medians)
big="${BIG:-1}"         # 0 skips the 49,152² slide (the RSS-flatness check, about 4x the 24,576² time)
if [ -n "${STAINSHIFT_BIN:-}" ]; then bin="$STAINSHIFT_BIN"; else
    swift build -c release --product stainshift >&2
    bin="$root/.build/release/stainshift"
fi

# score IMAGE [OPTIONS...] -> "wall maxrss_kb cells anon_mb file_mb": peak RSS from /usr/bin/time, and the peaks of
# its anonymous (heap) and file-backed (mapped input) parts sampled every 0.2 s from /proc.
score() {
    # shellcheck disable=SC2086
    local image="$1"; shift
    /usr/bin/time -o "$work/time" -f "%e %M" "$bin" score "$image" --marker "$marker" --json "$work/out.json" \
        --threads "$threads" --tile-size 2048 $detection --timings "$@" 2>"$work/err" >/dev/null &
    local timer=$! anon=0 file=0 pid a f
    sleep 0.1
    pid=$(pgrep -P "$timer" | head -1 || true)
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
        read -r a f < <(awk '/RssAnon/ {a = $2} /RssFile/ {f = $2} END {print a + 0, f + 0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
        [ "$a" -gt "$anon" ] && anon=$a
        [ "$f" -gt "$file" ] && file=$f
        sleep 0.2
    done
    wait "$timer"
    local cells
    cells=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cells"]["total"])' "$work/out.json")
    echo "$(cat "$work/time") $cells $((anon / 1024)) $((file / 1024))"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

row() { # NAME SIDE COPIES WALL RSS CELLS ANON FILE
    awk -v n="$1" -v s="$2" -v c="$3" -v w="$4" -v r="$5" -v k="$6" -v an="$7" -v fi="$8" -v tr="$t_rss" -v tc="$t_cells" -v tw="$t_wall" 'BEGIN {
        printf "%-14s %6.1f s %7.1f MPix/s (%.2fx the tile)  peak RSS %6.0f MB (%.2fx the tile; sampled heap %d MB, mapped files %d MB)  cells %8d (%.4f x copies x tile)\n",
            n, w, s * s / 1e6 / w, (s * s / w) / (2048 * 2048 / tw), r / 1024, r / tr, an, fi, k, k / (c * tc) }'
}

if [[ " $parts " == *" mosaic "* ]]; then
"$bin" synth tile "$work/tile.png" --marker "$marker" --seed 1 --size 2048
"$bin" convert "$work/tile.png" "$work/tile.tif" --compression lzw
"$bin" synth mosaic "$work/tile.png" "$work/m8k.tiff" --copies 4
"$bin" synth mosaic "$work/tile.png" "$work/m16k.tiff" --copies 8
echo "tiled bench: one 2048² $marker tile and mosaics of it, $threads threads, $(nproc) cores, detection: ${detection:-default}"
read -r t_wall t_rss t_cells t_anon t_file < <(score "$work/tile.tif")
read -r a_wall a_rss a_cells a_anon a_file < <(score "$work/m8k.tiff")
grep -h "timings" "$work/err" | sed 's/^/  8192²: /'
read -r b_wall b_rss b_cells b_anon b_file < <(score "$work/m16k.tiff")
grep -h "timings" "$work/err" | sed 's/^/  16384²: /'
row "2048² whole" 2048 1 "$t_wall" "$t_rss" "$t_cells" "$t_anon" "$t_file"
row "8192² tiled" 8192 16 "$a_wall" "$a_rss" "$a_cells" "$a_anon" "$a_file"
row "16384² tiled" 16384 64 "$b_wall" "$b_rss" "$b_cells" "$b_anon" "$b_file"
awk -v a="$a_rss" -v b="$b_rss" 'BEGIN { printf "RSS 16384² / 8192² (4x the area): %.3f (flat within 10%%: %s)\n", b / a, (b / a <= 1.10 ? "yes" : "no") }'
fi

if [[ " $parts " == *" slides "* ]]; then
# The same tissue at 0.25 µm/px (cells drawn at their physical size), as pyramidal slides.
"$bin" synth tile "$work/q.png" --marker "$marker" --seed 1 --size 2048 --pixel-size 0.25
"$bin" convert "$work/q.png" "$work/q.tif" --compression lzw
start=$(date +%s.%N)
"$bin" synth slide "$work/q.png" "$work/s24k.tiff" --size 24576
[ "$big" = 1 ] && "$bin" synth slide "$work/q.png" "$work/s49k.tiff" --size 49152
awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "wrote the pyramidal slides in %.1f s\n", b - a }'
echo "slide bench: one 2048² $marker tile at 0.25 µm/px and pyramidal slides of it, $threads threads, detection: ${detection:-default}, $repeat rounds (tile, then 24,576² slide)"
# Rounds of the tile then the slide, side by side: the ratio is that of the medians (the VM is shared).
t_walls=(); a_walls=()
for round in $(seq "$repeat"); do
    read -r t_wall t_rss t_cells t_anon t_file < <(score "$work/q.tif")
    read -r a_wall a_rss a_cells a_anon a_file < <(score "$work/s24k.tiff")
    grep -h "timings" "$work/err" | sed "s/^/  24576² round $round: /"
    t_walls+=("$t_wall"); a_walls+=("$a_wall")
    row "2048² whole" 2048 1 "$t_wall" "$t_rss" "$t_cells" "$t_anon" "$t_file"
    row "24576² slide" 24576 144 "$a_wall" "$a_rss" "$a_cells" "$a_anon" "$a_file"
done
tm=$(median "${t_walls[@]}"); am=$(median "${a_walls[@]}")
awk -v t="$tm" -v a="$am" -v n="$repeat" 'BEGIN { printf "medians of %d rounds: tile %.2f s = %.2f MPix/s, 24576² slide %.1f s = %.2f MPix/s: %.3fx the tile (>= 0.9: %s)\n",
    n, t, 2048 * 2048 / 1e6 / t, a, 24576 * 24576 / 1e6 / a, (24576 * 24576 / a) / (2048 * 2048 / t), ((24576 * 24576 / a) / (2048 * 2048 / t) >= 0.9 ? "yes" : "no") }'
if [ "$big" = 1 ]; then
    read -r b_wall b_rss b_cells b_anon b_file < <(score "$work/s49k.tiff")
    grep -h "timings" "$work/err" | sed 's/^/  49152²: /'
    row "49152² slide" 49152 576 "$b_wall" "$b_rss" "$b_cells" "$b_anon" "$b_file"
    awk -v a="$a_rss" -v b="$b_rss" 'BEGIN { printf "peak RSS 49152² %.0f MB (<= 1536: %s); 49152² / 24576² (4x the area): %.3f (flat within 10%%: %s)\n", b / 1024, (b <= 1536 * 1024 ? "yes" : "no"), b / a, (b / a <= 1.10 ? "yes" : "no") }'
fi
rm -f "$work/s24k.tiff" "$work/s49k.tiff"
fi

if [[ " $parts " == *" tissue "* ]]; then
[ -f "$work/q.png" ] || "$bin" synth tile "$work/q.png" --marker "$marker" --seed 1 --size 2048 --pixel-size 0.25
start=$(date +%s.%N)
"$bin" synth slide "$work/q.png" "$work/s100k.tiff" --size 100000 --tissue 2048
awk -v a="$start" -v b="$(date +%s.%N)" -v s="$(stat -c %s "$work/s100k.tiff")" 'BEGIN { printf "wrote the 100,000² slide (2048² of tissue, the rest glass) in %.1f s, %.0f MB\n", b - a, s / 1e6 }'
read -r c_wall c_rss c_cells c_anon c_file < <(score "$work/s100k.tiff")
grep -h "timings" "$work/err" | sed 's/^/  100000²: /'
grep -ho "tissue map [0-9.]* s" "$work/err" | awk '{ printf "tissue map of the 100,000² slide: %.3f s (<= 2 s: %s); whole score %.1f s, peak RSS %.0f MB, %d cells\n", $3, ($3 <= 2 ? "yes" : "no"), '"$c_wall"', '"$c_rss"' / 1024, '"$c_cells"' }'
fi
