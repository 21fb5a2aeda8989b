#!/usr/bin/env bash
# Throughput of the Tissue and Cells stages on 2048 x 2048 tiles (release build, all cores).
# Prints wall-clock MPix/s (best of 5) and MPix per CPU-second (meaningful on a shared machine).
# Tile: the OS-2 Hamamatsu Ki67 crop mirrored to 2048 x 2048 when ../shared is present,
# else a synthetic Beer-Lambert tile. Usage: Benchmarks/cells/bench.sh
. "$(dirname "$0")/../prelude.sh"
image="../shared/validation/OS-2-ndpi.ome.tif"
if [ -f "$image" ]; then export STAINSHIFT_BENCH_IMAGE="$image"; fi
STAINSHIFT_CELLS_BENCH=1 release_test_bench CellsBenchmark
