# Sourced by each Benchmarks/<stage>/bench.sh (bash) before anything else: strict mode, `here`
# (the script's folder), `root` (the repository, also the working directory), `work` (a scratch
# folder removed on exit; BENCH_WORK=DIR keeps one instead), and the helpers the scripts share.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"; mkdir -p "$work"
else
    work="$(mktemp -d)"
    bench_scratch="$work"
    trap 'rm -rf "$bench_scratch"' EXIT
fi
cd "$root"

# stainshift_bin: sets `bin` to STAINSHIFT_BIN when given, else builds the release CLI.
stainshift_bin() {
    if [ -n "${STAINSHIFT_BIN:-}" ]; then bin="$STAINSHIFT_BIN"; return; fi
    swift build -c release --product stainshift >&2
    bin="$root/.build/release/stainshift"
}

# release_test_bench SUITE: a benchmark suite of the release tests (enabled by the caller's
# environment variable), printing only its BENCH lines.
release_test_bench() {
    swift test -c release -Xswiftc -enable-testing --filter "$1" 2>&1 | grep '^BENCH'
}

# reference_venv: sets `venv` to Benchmarks/.venv, made on first use, with scikit-image, numpy and
# scipy for the Python references.
reference_venv() {
    venv="$root/Benchmarks/.venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
    if ! "$venv/bin/python" -c "import skimage, numpy, scipy" 2>/dev/null; then
        "$venv/bin/pip" install --quiet scikit-image numpy scipy >&2
    fi
}

# now: seconds since the epoch (ns resolution); since START: seconds from START to now.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }

# ratio A B [FORMAT=%.2f]: A / B.
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, a / b }'; }
