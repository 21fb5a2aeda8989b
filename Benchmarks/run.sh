#!/usr/bin/env bash
# make bench: every stage's side-by-side benchmark on this machine, in pipeline order.
# Each Benchmarks/<stage>/bench.sh prints ours, the reference and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)"
status=0
for stage in imaging stains cells scoring tiled learn cohort; do
    script="Benchmarks/$stage/bench.sh"
    [ -x "$script" ] || continue
    echo "== $stage =="
    "$script" || { echo "bench $stage failed" >&2; status=1; }
done
exit $status
