#!/usr/bin/env bash
# Cell classifier costs (release build, all cores): training a random forest (50 trees, depth 10)
# on 30,000 cells, its 5-fold cross-validation, and applying it to a 2048 x 2048 synthetic tile
# beside scoring that tile (best of 5 each). Usage: Benchmarks/learn/bench.sh
. "$(dirname "$0")/../prelude.sh"
STAINSHIFT_LEARN_BENCH=1 release_test_bench LearnBenchmark
