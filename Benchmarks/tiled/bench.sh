#!/usr/bin/env bash
# Tiled scoring of large images (issue 16): `stainshift score` on one synthetic 2048 x 2048 tile
# (scored whole, today's path) and on mosaics of 4 x 4 (8192²) and 8 x 8 (16384²) copies of it,
# written as tiled TIFFs band by band (`stainshift synth mosaic`) and scored tile by tile by region
# reads (`--tile-size 2048`: a worker per core, each holding one tile).
# Reports wall time, MPix/s, peak RSS (/usr/bin/time), RSS against the single tile, the 16k/8k
# RSS ratio (flat = within 10% for 4x the area), and cells per copy against the single tile.
# Detection without per-image statistics (distance-watershed, threshold 0.15, --od-scale 1), so a
# copy's cells do not depend on which tile it falls in; DETECTION="" uses the default preset.
# Usage: Benchmarks/tiled/bench.sh [THREADS=nproc] [MARKER=pdl1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${1:-$(nproc)}"
marker="${2:-pdl1}"
detection="${DETECTION---preset distance-watershed --detection-threshold 0.15 --od-scale 1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

swift build -c release --product stainshift >&2
bin="$root/.build/release/stainshift"
"$bin" synth tile "$work/tile.png" --marker "$marker" --seed 1 --size 2048
"$bin" convert "$work/tile.png" "$work/tile.tif" --compression lzw
"$bin" synth mosaic "$work/tile.png" "$work/m8k.tiff" --copies 4
"$bin" synth mosaic "$work/tile.png" "$work/m16k.tiff" --copies 8

# score IMAGE -> "wall maxrss_kb cells anon_mb file_mb": peak RSS from /usr/bin/time, and the peaks of
# its anonymous (heap) and file-backed (mapped input) parts sampled every 0.2 s from /proc.
score() {
    # shellcheck disable=SC2086
    /usr/bin/time -o "$work/time" -f "%e %M" "$bin" score "$1" --marker "$marker" --json "$work/out.json" \
        --threads "$threads" --tile-size 2048 $detection --timings 2>"$work/err" >/dev/null &
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

echo "tiled bench: one 2048² $marker tile and mosaics of it, $threads threads, $(nproc) cores, detection: ${detection:-default}"
read -r t_wall t_rss t_cells t_anon t_file < <(score "$work/tile.tif")
read -r a_wall a_rss a_cells a_anon a_file < <(score "$work/m8k.tiff")
grep -h "timings" "$work/err" | sed 's/^/  8192²: /'
read -r b_wall b_rss b_cells b_anon b_file < <(score "$work/m16k.tiff")
grep -h "timings" "$work/err" | sed 's/^/  16384²: /'
row() { # NAME SIDE COPIES WALL RSS CELLS ANON FILE
    awk -v n="$1" -v s="$2" -v c="$3" -v w="$4" -v r="$5" -v k="$6" -v an="$7" -v fi="$8" -v tr="$t_rss" -v tc="$t_cells" 'BEGIN {
        printf "%-14s %6.1f s %7.1f MPix/s  peak RSS %6.0f MB (%.2fx the tile; sampled heap %d MB, mapped files %d MB)  cells %7d (%.4f x copies x tile)\n",
            n, w, s * s / 1e6 / w, r / 1024, r / tr, an, fi, k, k / (c * tc) }'
}
row "2048² whole" 2048 1 "$t_wall" "$t_rss" "$t_cells" "$t_anon" "$t_file"
row "8192² tiled" 8192 16 "$a_wall" "$a_rss" "$a_cells" "$a_anon" "$a_file"
row "16384² tiled" 16384 64 "$b_wall" "$b_rss" "$b_cells" "$b_anon" "$b_file"
awk -v a="$a_rss" -v b="$b_rss" 'BEGIN { printf "RSS 16384² / 8192² (4x the area): %.3f (flat within 10%%: %s)\n", b / a, (b / a <= 1.10 ? "yes" : "no") }'
