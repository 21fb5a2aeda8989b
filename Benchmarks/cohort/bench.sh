#!/usr/bin/env bash
# Cohort scale: N tiles of SIZE x SIZE (default 1000 x 1024 x 1024) through `stainshift run`.
# Generates a synthetic PD-L1 cohort with `stainshift synth cohort` (PATIENTS x pre/post x TILES),
# then reports tiles per second and the peak resident memory (GNU time -v), which must stay under
# 1 GB whatever the number of tiles: at most --threads tiles are decoded at once.
# Generating 1024 x 1024 tiles is slower than scoring them, so the manifest repeats the generated
# patients REPEAT times under new patient ids (same image files): every row is still read, hashed
# and scored (the cache is only read with --resume).
# Usage: Benchmarks/cohort/bench.sh [PATIENTS=5] [TILES_PER_SLIDE=20] [SIZE=1024] [REPEAT=5]
. "$(dirname "$0")/../prelude.sh"
patients="${1:-5}"
per_slide="${2:-20}"
size="${3:-1024}"
repeat="${4:-5}"
threads="$(nproc)"
tiles=$((patients * 2 * per_slide * repeat))
stainshift_bin

if [ ! -f "$work/cohort/manifest.tsv" ]; then
    echo "cohort bench: generating $((patients * 2 * per_slide)) tiles of ${size}x${size} in $work/cohort" >&2
    "$bin" synth cohort "$work/cohort" --patients "$patients" --tiles-per-slide "$per_slide" --size "$size" \
        --markers pdl1 --seed 7 --threads "$threads" >&2
fi
# patient, timepoint, marker, slide, image: copy r gets patient and slide ids suffixed with _r<copy>.
awk -F'\t' -v OFS='\t' -v n="$repeat" 'NR == 1 { print; next } { for (r = 1; r <= n; r++) { p = $1 "_r" r; s = $4 "_r" r; print p, $2, $3, s, $5 } }' \
    "$work/cohort/manifest.tsv" > "$work/cohort/bench_manifest.tsv"

echo "cohort bench: stainshift run, $tiles tiles, $threads threads" >&2
rm -rf "$work/out"
start=$(now)
rc=0
/usr/bin/time -v "$bin" run "$work/cohort/bench_manifest.tsv" -o "$work/out" --threads "$threads" --quiet \
    2> "$work/time.txt" || rc=$?
seconds=$(awk -v s="$(since "$start")" 'BEGIN { printf "%.2f", s }')
if [ "$rc" -ne 0 ]; then cat "$work/time.txt" >&2; echo "cohort bench: run exited $rc" >&2; exit "$rc"; fi
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
scored=$(($(wc -l < "$work/out/tiles.tsv") - 1))
printf '%-28s %10s\n' "tiles scored" "$scored"
printf '%-28s %10s s\n' "wall time" "$seconds"
printf '%-28s %10s tiles/s\n' "throughput" "$(awk -v n="$scored" -v s="$seconds" 'BEGIN { printf "%.2f", n / s }')"
printf '%-28s %10s MB\n' "peak RSS" "$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')"
# CPU time tells what the wall time means on a shared machine (Percent of CPU < 100 x threads).
cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$work/time.txt")
printf '%-28s %10s s (%s of CPU)\n' "CPU time (user + sys)" "$cpu" "$(awk -F': ' '/Percent of CPU/ { print $2 }' "$work/time.txt")"
printf '%-28s %10s tiles/s\n' "if CPU-bound on $threads cores" "$(awk -v n="$scored" -v c="$cpu" -v t="$threads" 'BEGIN { printf "%.2f", n * t / c }')"
if [ "$rss_kb" -ge 1048576 ]; then echo "cohort bench: FAIL peak RSS >= 1 GB" >&2; exit 1; fi
