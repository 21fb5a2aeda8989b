#!/bin/sh
# Throughput of the Tissue and Cells stages on 2048 x 2048 tiles (release build, all cores).
# Prints wall-clock MPix/s (best of 5) and MPix per CPU-second (meaningful on a shared machine).
# Tile: the OS-2 Hamamatsu Ki67 crop mirrored to 2048 x 2048 when ../shared is present,
# else a synthetic Beer-Lambert tile. Usage: Benchmarks/cells/bench.sh
set -eu
cd "$(dirname "$0")/../.."
image="../shared/validation/OS-2-ndpi.ome.tif"
if [ -f "$image" ]; then export STAINSHIFT_BENCH_IMAGE="$image"; fi
STAINSHIFT_CELLS_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter CellsBenchmark 2>&1 | grep '^BENCH'
