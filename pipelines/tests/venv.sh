#!/usr/bin/env bash
# Makes pipelines/.venv with the pinned Snakemake and cwltool that `make test-pipelines` runs, only
# when it is missing or holds other versions. `make test` starts it in the background while Swift
# builds (pip waits on the network, the compiler on the CPU); pipelines/tests/run.sh calls it again
# and finds it done. Environment: PYTHON (default python3), LOG (default: stdout).
# Exit 0 when the tools run at the pinned versions, 1 with the reason on stderr otherwise.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNAKEMAKE_VERSION=9.27.1
CWLTOOL_VERSION=3.3.20260925135507
PYTHON=${PYTHON:-python3}
VENV=$ROOT/pipelines/.venv
LOG=${LOG:-/dev/stdout}

venv_ok() {
    [ -x "$VENV/bin/snakemake" ] && [ -x "$VENV/bin/cwltool" ] &&
        [ "$("$VENV/bin/snakemake" --version 2>/dev/null)" = "$SNAKEMAKE_VERSION" ] &&
        "$VENV/bin/cwltool" --version 2>/dev/null | grep -q " $CWLTOOL_VERSION\$"
}
venv_ok && exit 0

echo "pipelines: creating $VENV with snakemake $SNAKEMAKE_VERSION and cwltool $CWLTOOL_VERSION" >>"$LOG"
rm -rf "$VENV"
if ! "$PYTHON" -m venv "$VENV" >>"$LOG" 2>&1; then
    # Debian's python3 needs python3-venv for `-m venv`.
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    echo "pipelines: python3 -m venv failed; installing python3-venv with apt-get" >>"$LOG"
    rm -rf "$VENV"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv &&
        "$PYTHON" -m venv "$VENV"; } >>"$LOG" 2>&1 ||
        { echo "cannot create a Python virtual environment with $PYTHON" >&2; exit 1; }
fi
"$VENV/bin/python" -m pip install --disable-pip-version-check -q \
    "snakemake==$SNAKEMAKE_VERSION" "cwltool==$CWLTOOL_VERSION" >>"$LOG" 2>&1 ||
    { echo "pip could not install snakemake $SNAKEMAKE_VERSION and cwltool $CWLTOOL_VERSION" >&2; exit 1; }
venv_ok || { echo "the virtual environment does not run snakemake $SNAKEMAKE_VERSION and cwltool $CWLTOOL_VERSION" >&2; exit 1; }
