#!/bin/sh
# Cell classifier costs (release build, all cores): training a random forest (50 trees, depth 10)
# on 30,000 cells, its 5-fold cross-validation, and applying it to a 2048 x 2048 synthetic tile
# beside scoring that tile. Usage: Benchmarks/learn/bench.sh
set -eu
cd "$(dirname "$0")/../.."
STAINSHIFT_LEARN_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter LearnBenchmark 2>&1 | grep '^BENCH'
