#!/usr/bin/env bash
# make test-pipelines: runs the Snakemake workflow and the CWL workflow on samples/cohort and checks
# their tables are byte-identical to `stainshift run` on the same manifest; then breaks one tile
# and checks its slide's job fails with a clear log line and that a rerun after the fix redoes
# only what is missing. Ends with `pipelines: N passed, N failed`; exits 1 if any check failed.
#
# Environment: SWIFT (default swift), BUILDFLAGS (default: the Makefile's test flags),
# STAINSHIFT (use this binary, skip the build: `make test` passes the one `swift test` linked),
# PYTHON (default python3), SAMPLES (a folder with manifest.tsv, default samples/cohort),
# KEEP_WORK=1 (keep the scratch folder even when all checks pass).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

SWIFT=${SWIFT:-swift}
BUILDFLAGS=${BUILDFLAGS:--c release -Xswiftc -enable-testing}
PYTHON=${PYTHON:-python3}
VENV=$ROOT/pipelines/.venv
# The synthetic sample cohort (samples/cohort, made by `stainshift synth cohort`).
SAMPLES=${SAMPLES:-$ROOT/samples/cohort}
TABLES="tiles.tsv slides.tsv changes.tsv groups.tsv failures.tsv"

passed=0
failed=0
start=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stainshift-pipelines.XXXXXX")

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
note() { echo "pipelines: $*"; }
finish() {
    note "finished in $(( $(date +%s) - start )) s"
    if [ "$failed" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then
        rm -rf "$WORK"
    else
        note "scratch folder kept: $WORK"
    fi
    echo "pipelines: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
# A step that cannot go on: count it as a failure and stop.
abort() { fail "$*"; finish; }

# Prints the last lines of a log, indented, after a failed check.
show() { [ -f "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/    | /'; return 0; }

# cmp each table of $2 against the `stainshift run` tables in $1; $3 names the workflow.
compare_tables() {
    local expected=$1 actual=$2 what=$3 table
    for table in $TABLES; do
        if [ ! -f "$actual/$table" ]; then
            fail "$what: $table was not written"
        elif cmp -s "$expected/$table" "$actual/$table"; then
            pass "$what: $table is byte-identical to stainshift run"
        else
            fail "$what: $table differs from stainshift run:"
            diff "$expected/$table" "$actual/$table" | head -n 10 | sed 's/^/    | /'
        fi
    done
}

# ---------------------------------------------------------------- inputs
[ -f "$SAMPLES/manifest.tsv" ] || abort "$SAMPLES/manifest.tsv is missing (the synthetic sample cohort)"

# ---------------------------------------------------------------- Python tools
# pipelines/tests/venv.sh makes the virtual environment (`make test` starts it early, in the background).
LOG="$WORK/venv.log" PYTHON="$PYTHON" bash "$ROOT/pipelines/tests/venv.sh" 2>"$WORK/venv.err" ||
    { show "$WORK/venv.log"; abort "$(cat "$WORK/venv.err")"; }
note "snakemake $("$VENV/bin/snakemake" --version), $("$VENV/bin/cwltool" --version 2>/dev/null | awk '{print "cwltool " $2}'), $("$VENV/bin/python" --version)"

if "$VENV/bin/python" -m unittest discover -s "$ROOT/pipelines/tests" -p 'test_*.py' >"$WORK/unittest.log" 2>&1; then
    pass "manifest_slides.py: $(grep -o 'Ran [0-9]* tests' "$WORK/unittest.log") (slide ids, delimiters, rejected rows)"
else
    show "$WORK/unittest.log" 30
    fail "manifest_slides.py unit tests"
fi

# ---------------------------------------------------------------- stainshift
if [ -n "${STAINSHIFT:-}" ]; then
    BIN=$STAINSHIFT
else
    note "building stainshift ($SWIFT build $BUILDFLAGS --product stainshift)"
    # shellcheck disable=SC2086
    $SWIFT build $BUILDFLAGS --product stainshift >"$WORK/build.log" 2>&1 ||
        { show "$WORK/build.log" 30; abort "swift build --product stainshift failed"; }
    # shellcheck disable=SC2086
    BIN=$($SWIFT build $BUILDFLAGS --show-bin-path 2>/dev/null)/stainshift
fi
[ -x "$BIN" ] || abort "no stainshift executable at $BIN"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
# The CWL tools call `stainshift` from PATH.
mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/stainshift"

version=$("$BIN" --version 2>/dev/null | head -n 1)
if [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    pass "stainshift --version prints the bare version ($version)"
else
    fail "stainshift --version printed '$version', not a bare version"
fi
for command in score-slide cohort; do
    "$BIN" "$command" --help >/dev/null 2>&1 ||
        abort "stainshift has no '$command' command yet (it comes with the cohort branch); the workflows need it"
done

# ---------------------------------------------------------------- reference: stainshift run
RUN=$WORK/run
"$BIN" run "$SAMPLES/manifest.tsv" -o "$RUN" --threads 2 >"$WORK/run.log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
    pass "stainshift run $SAMPLES/manifest.tsv"
else
    show "$WORK/run.log"
    abort "stainshift run $SAMPLES/manifest.tsv exited with $status (the reference tables are missing)"
fi

# Slide ids as the workflows see them, and the first tile of the first slide (to break later).
read -r SLIDE_COUNT FIRST_SLIDE BROKEN_IMAGE < <("$VENV/bin/python" - "$SAMPLES/manifest.tsv" <<'EOF'
import sys
sys.path.insert(0, "pipelines/common")
from manifest_slides import slide_images
images = slide_images(sys.argv[1])
first = next(iter(images))
print(len(images), first, images[first][0])
EOF
)
note "$SAMPLES/manifest.tsv: $SLIDE_COUNT slides"
# The workflows' slide ids must be the ones stainshift names in slides.tsv.
listed=$("$VENV/bin/python" "$ROOT/pipelines/common/manifest_slides.py" "$SAMPLES/manifest.tsv" |
    "$VENV/bin/python" -c 'import json, sys; print("\n".join(json.load(sys.stdin)["slides"]))' | LC_ALL=C sort -u)
scored=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "slide") c = i; next } c { print $c }' \
    "$RUN/slides.tsv" | LC_ALL=C sort -u)
if [ -n "$listed" ] && [ "$listed" = "$scored" ]; then
    pass "manifest_slides.py lists the same $SLIDE_COUNT slide ids as stainshift run's slides.tsv"
else
    fail "manifest_slides.py lists [$(echo $listed)], stainshift run's slides.tsv has [$(echo $scored)]"
fi

# ---------------------------------------------------------------- Snakemake
SMK=$WORK/snakemake
mkdir -p "$SMK"
snakemake() {
    "$VENV/bin/snakemake" -s "$ROOT/pipelines/snakemake/Snakefile" "$@"
}
t0=$(date +%s)
snakemake --directory "$SMK" --cores 2 \
    --config manifest="$SAMPLES/manifest.tsv" outdir=out stainshift="$BIN" >"$WORK/snakemake.log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
    pass "snakemake --cores 2 on $SAMPLES ($(( $(date +%s) - t0 )) s)"
    compare_tables "$RUN" "$SMK/out" snakemake
    parts=$(find "$SMK/out/parts" -name '*.json' | wc -l)
    logs=$(find "$SMK/out/logs/score_slide" -name '*.log' | wc -l)
    if [ "$parts" -eq "$SLIDE_COUNT" ] && [ "$logs" -eq "$SLIDE_COUNT" ]; then
        pass "snakemake: one part and one log per slide ($parts)"
    else
        fail "snakemake: $parts parts and $logs logs for $SLIDE_COUNT slides"
    fi
    if grep -q "stainshift: \"$version\"" "$SMK/out/pipeline_info/versions.yml" 2>/dev/null; then
        pass "snakemake: pipeline_info/versions.yml records stainshift $version"
    else
        fail "snakemake: pipeline_info/versions.yml does not record stainshift $version"
    fi
    if snakemake --directory "$SMK" --cores 2 -n \
        --config manifest="$SAMPLES/manifest.tsv" outdir=out stainshift="$BIN" 2>&1 | grep -q "Nothing to be done"; then
        pass "snakemake: a second run has nothing to do"
    else
        fail "snakemake: a second run would redo jobs"
    fi
else
    show "$WORK/snakemake.log" 30
    fail "snakemake on $SAMPLES exited with $status"
fi

# ---------------------------------------------------------------- CWL
CWL=$WORK/cwl
mkdir -p "$CWL/tmp"
cwltool() {
    PATH="$WORK/bin:$PATH" "$VENV/bin/cwltool" --no-container --parallel --quiet \
        --tmpdir-prefix "$CWL/tmp/" --tmp-outdir-prefix "$CWL/tmp/" "$@"
}
validated=1
for tool in "$ROOT"/pipelines/cwl/*.cwl; do
    "$VENV/bin/cwltool" --validate "$tool" >"$WORK/validate.log" 2>&1 ||
        { validated=0; show "$WORK/validate.log"; fail "cwltool --validate $(basename "$tool")"; }
done
[ "$validated" -eq 1 ] && pass "cwltool --validate: every pipelines/cwl/*.cwl"
t0=$(date +%s)
JOB=$ROOT/pipelines/cwl/samples.yml
if [ "$SAMPLES" != "$ROOT/samples/cohort" ]; then
    JOB=$WORK/samples.yml
    printf 'data:\n  class: Directory\n  location: %s\nmanifest: manifest.tsv\n' "$SAMPLES" >"$JOB"
fi
cwltool --outdir "$CWL/out" "$ROOT/pipelines/cwl/stainshift-workflow.cwl" "$JOB" \
    >"$CWL/outputs.json" 2>"$WORK/cwltool.log"
status=$?
if [ "$status" -eq 0 ]; then
    pass "cwltool --no-container stainshift-workflow.cwl samples.yml ($(( $(date +%s) - t0 )) s)"
    compare_tables "$RUN" "$CWL/out/results" cwl
    if grep -q "stainshift: \"$version\"" "$CWL/out/versions.yml" 2>/dev/null; then
        pass "cwl: versions.yml records stainshift $version"
    else
        fail "cwl: versions.yml does not record stainshift $version"
    fi
else
    show "$WORK/cwltool.log" 30
    fail "cwltool on $SAMPLES exited with $status"
fi

# ---------------------------------------------------------------- CWL: detection preset
# score-slide.cwl hands `preset`, `detection_threshold` and `od_scale` to stainshift: the part's
# totals equal the CLI's with the same options and differ from the defaults'. (qupath-0.3 does not
# normalise, so a factor of 1.5 moves the DAB bins.)
printf 'data:\n  class: Directory\n  location: %s\nmanifest: manifest.tsv\nslide: %s\npreset: qupath-0.3\ndetection_threshold: 0.3\nod_scale: "1.5"\n' \
    "$SAMPLES" "$FIRST_SLIDE" >"$WORK/preset.yml"
if cwltool --outdir "$CWL/preset" "$ROOT/pipelines/cwl/score-slide.cwl" "$WORK/preset.yml" >/dev/null 2>"$WORK/cwltool-preset.log" &&
    "$BIN" score-slide "$SAMPLES/manifest.tsv" --slide "$FIRST_SLIDE" --preset qupath-0.3 --detection-threshold 0.3 \
        --od-scale 1.5 -o "$WORK/preset.json" --quiet &&
    "$BIN" score-slide "$SAMPLES/manifest.tsv" --slide "$FIRST_SLIDE" -o "$WORK/default.json" --quiet &&
    "$VENV/bin/python" - "$CWL/preset/$FIRST_SLIDE.json" "$WORK/preset.json" "$WORK/default.json" <<'PY'
import json, sys
totals = lambda path: [t["score"]["totals"] for t in json.load(open(path))["tiles"]]
cwl, cli, default = map(totals, sys.argv[1:])
sys.exit(0 if cwl == cli and cwl != default else 1)
PY
then
    pass "cwl: score-slide.cwl passes preset, detection_threshold and od_scale (the CLI's totals, not the defaults')"
else
    show "$WORK/cwltool-preset.log" 20
    fail "cwl: preset, detection_threshold or od_scale did not reach stainshift score-slide"
fi

# ---------------------------------------------------------------- a broken tile
# A copy of the samples whose first slide has a tile that is not an image.
BROKEN=$WORK/broken
cp -R "$SAMPLES" "$BROKEN"
cp "$BROKEN/$BROKEN_IMAGE" "$WORK/good-tile"
printf 'this is not an image\n' >"$BROKEN/$BROKEN_IMAGE"
SMKB=$WORK/snakemake-broken
mkdir -p "$SMKB"
snakemake_broken() {
    snakemake --directory "$SMKB" --cores 2 \
        --config manifest="$BROKEN/manifest.tsv" outdir=out stainshift="$BIN" "$@"
}
snakemake_broken --keep-going >"$WORK/snakemake-broken.log" 2>&1
status=$?
log=$SMKB/out/logs/score_slide/$FIRST_SLIDE.log
tile=$(basename "$BROKEN_IMAGE")
if [ "$status" -ne 0 ] && grep -q "score_slide: slide $FIRST_SLIDE FAILED: .*$tile" "$log" 2>/dev/null &&
    grep -q "score_slide: slide $FIRST_SLIDE FAILED" "$WORK/snakemake-broken.log"; then
    pass "snakemake: a broken tile fails its slide's job with a clear log line:"
    grep "FAILED" "$log" | sed 's/^/    | /'
else
    show "$log"
    fail "snakemake: a broken tile in $FIRST_SLIDE did not fail its job with a clear line in $log (exit $status)"
fi
leftovers=$(find "$SMKB/out/parts" -name "*$FIRST_SLIDE*" 2>/dev/null | wc -l)
parts=$(find "$SMKB/out/parts" -name '*.json' 2>/dev/null | wc -l)
if [ "$leftovers" -eq 0 ] && [ "$parts" -eq $((SLIDE_COUNT - 1)) ] && [ ! -e "$SMKB/out/tiles.tsv" ]; then
    pass "snakemake: no part left for the failed slide, the other $parts slides done, no tables"
else
    fail "snakemake: after the failure: $leftovers files for $FIRST_SLIDE, $parts parts, tables: $(ls "$SMKB/out" 2>/dev/null | tr '\n' ' ')"
fi

cp "$WORK/good-tile" "$BROKEN/$BROKEN_IMAGE"
plan=$(snakemake_broken -n 2>&1)
scored=$(awk '$1 == "score_slide" {print $2; exit}' <<<"$plan")
gathered=$(awk '$1 == "cohort" {print $2; exit}' <<<"$plan")
if [ "$scored" = 1 ] && [ "$gathered" = 1 ]; then
    pass "snakemake: after the fix a rerun plans only the missing slide and the cohort"
else
    fail "snakemake: after the fix a rerun plans score_slide=${scored:-0} cohort=${gathered:-0} (expected 1 and 1)"
fi
touch "$WORK/before-rerun"
sleep 1
snakemake_broken >"$WORK/snakemake-rerun.log" 2>&1
status=$?
rescored=$(find "$SMKB/out/parts" -name '*.json' -newer "$WORK/before-rerun" | xargs -r -n 1 basename | tr '\n' ' ')
if [ "$status" -eq 0 ] && [ "$rescored" = "$FIRST_SLIDE.json " ]; then
    pass "snakemake: the rerun rewrote only $FIRST_SLIDE.json"
    compare_tables "$RUN" "$SMKB/out" "snakemake rerun"
else
    show "$WORK/snakemake-rerun.log"
    fail "snakemake: the rerun exited with $status and rewrote: ${rescored:-nothing}"
fi

# keep_going: the broken tile is listed in failures.tsv, as `stainshift run --keep-going` does.
printf 'this is not an image\n' >"$BROKEN/$BROKEN_IMAGE"
"$BIN" run "$BROKEN/manifest.tsv" -o "$WORK/run-broken" --threads 2 --keep-going >"$WORK/run-broken.log" 2>&1
status=$?
SMKK=$WORK/snakemake-keep-going
mkdir -p "$SMKK"
snakemake --directory "$SMKK" --cores 2 --config manifest="$BROKEN/manifest.tsv" outdir=out \
    stainshift="$BIN" keep_going=true >"$WORK/snakemake-keep-going.log" 2>&1
smk_status=$?
if [ "$status" -eq 0 ] && [ "$smk_status" -eq 0 ] && grep -q "$tile" "$SMKK/out/failures.tsv" 2>/dev/null; then
    pass "snakemake keep_going=true: the broken tile is listed in failures.tsv and the workflow finishes"
    compare_tables "$WORK/run-broken" "$SMKK/out" "snakemake keep_going vs run --keep-going"
else
    show "$WORK/snakemake-keep-going.log"
    fail "keep_going: stainshift run --keep-going exited $status, snakemake keep_going=true exited $smk_status"
fi

# The same broken tile under CWL: the workflow fails and says which slide and file.
printf 'data:\n  class: Directory\n  location: %s\nmanifest: manifest.tsv\n' "$BROKEN" >"$WORK/broken.yml"
cwltool --outdir "$CWL/broken" "$ROOT/pipelines/cwl/stainshift-workflow.cwl" "$WORK/broken.yml" \
    >/dev/null 2>"$WORK/cwltool-broken.log"
status=$?
if [ "$status" -ne 0 ] && grep -q "$tile" "$WORK/cwltool-broken.log"; then
    pass "cwl: a broken tile fails the workflow and its message names the tile:"
    grep -m 1 "$tile" "$WORK/cwltool-broken.log" | sed 's/^/    | /'
else
    show "$WORK/cwltool-broken.log"
    fail "cwl: a broken tile gave exit $status without naming $tile"
fi

finish
