#!/usr/bin/env bash
# The detection kernels of two trees, side by side on this machine: builds Foundation...Scoring of
# OLD (a git revision) and of the working tree, each with the SideBySide harness, in release; with
# OLD_UNCHECKED=1 the old side gets the unsafe flags the package used before issue 18
# (-Ounchecked -wmo -enforce-exclusivity=unchecked). Then ROUNDS rounds (the two binaries take
# turns, the order swapped every round) of RUNS runs per stage, on one thread (THREADS=0: all
# cores), and prints each side's median CPU and wall time over the rounds' medians, the speed
# ratio (old time / new time: above 1, the new tree is faster) and whether the outputs' digests agree.
# Image: the OS-2 crop (../shared) mirrored to 2048 x 2048. Stages: default and qupath-0.3 cell
# detection, whole-tile scoring without decoding (score), tissue detection and QC (tissue).
# Usage: Benchmarks/cells/side-by-side.sh OLD [STAGES="default qupath03 score tissue"]
. "$(dirname "$0")/../prelude.sh"
old="${1:?usage: side-by-side.sh OLD-REVISION [STAGES]}"
stages="${2:-default qupath03 score tissue}"
image="../shared/validation/OS-2-ndpi.ome.tif"
[ -f "$image" ] || { echo "side-by-side.sh: $image not found (needs ../shared)" >&2; exit 1; }
targets="CTIFF CPNG CJPEG CJPEGCodec COpenSlide CStreamStore StainShiftFoundation StainShiftImaging StainShiftStains StainShiftTissue StainShiftCells StainShiftScoring"

# tree DIR FLAGS: a package of the stage targets in DIR/Sources (already filled) with the harness.
tree() {
    local dir="$1" flags="$2"
    mkdir -p "$dir/Sources/SideBySide"
    cp "$here/SideBySide/main.swift" "$root/Tests/StainShiftTestSupport/MirroredTile.swift" "$dir/Sources/SideBySide/"
    cat > "$dir/Package.swift" <<PACKAGE
// swift-tools-version:6.1
import PackageDescription
let flags: [SwiftSetting] = [$flags]
let package = Package(name: "SideBySide", targets: [
    .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4"),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng"),
    .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg"),
    .target(name: "CJPEGCodec", linkerSettings: [.linkedLibrary("jpeg")]),
    .systemLibrary(name: "COpenSlide", pkgConfig: "openslide"),
    .systemLibrary(name: "CStreamStore"),
    .target(name: "StainShiftFoundation", swiftSettings: flags),
    .target(name: "StainShiftImaging", dependencies: ["StainShiftFoundation", "CTIFF", "CPNG", "CJPEG", "CJPEGCodec", "COpenSlide"], swiftSettings: flags),
    .target(name: "StainShiftStains", dependencies: ["StainShiftImaging", "CStreamStore"], swiftSettings: flags),
    .target(name: "StainShiftTissue", dependencies: ["StainShiftStains"], swiftSettings: flags),
    .target(name: "StainShiftCells", dependencies: ["StainShiftTissue"], swiftSettings: flags),
    .target(name: "StainShiftScoring", dependencies: ["StainShiftCells"], swiftSettings: flags),
    .executableTarget(name: "SideBySide", dependencies: ["StainShiftScoring"], swiftSettings: flags),
])
PACKAGE
    (cd "$dir" && swift build -c release --product SideBySide >&2)
}

unchecked=""
[ "${OLD_UNCHECKED:-0}" = 1 ] && unchecked='.unsafeFlags(["-Ounchecked", "-wmo", "-enforce-exclusivity=unchecked"], .when(configuration: .release))'
mkdir -p "$work/old/Sources" "$work/new/Sources"
for t in $targets; do
    git archive "$old" "Sources/$t" | tar -x -C "$work/old"
    cp -r "Sources/$t" "$work/new/Sources/"
done
echo "side-by-side: building $old${OLD_UNCHECKED:+ (unchecked)} and the working tree" >&2
tree "$work/old" "$unchecked"
tree "$work/new" ""

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $old vs working tree, ${ROUNDS:-5} rounds of ${RUNS:-3} runs, threads ${THREADS:-1}"
python3 - "$work" "$image" "${ROUNDS:-5}" "${RUNS:-3}" "${THREADS:-1}" $stages <<'PYTHON'
import re, statistics, subprocess, sys
work, image, rounds, runs, threads, stages = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:]
sides = ["old", "new"]
for stage in stages:
    cpu, wall, digest = {s: [] for s in sides}, {s: [] for s in sides}, {s: set() for s in sides}
    for r in range(rounds):
        for side in (sides if r % 2 == 0 else sides[::-1]):
            out = subprocess.run([f"{work}/{side}/.build/release/SideBySide", image, stage, runs, threads],
                                 capture_output=True, text=True, check=True).stdout
            m = re.search(r"wall_med ([\d.]+) ms cpu_med ([\d.]+) ms digest (\w+)", out)
            wall[side].append(float(m.group(1))); cpu[side].append(float(m.group(2))); digest[side].add(m.group(3))
    c = {s: statistics.median(cpu[s]) for s in sides}; w = {s: statistics.median(wall[s]) for s in sides}
    same = "identical" if digest["old"] == digest["new"] and len(digest["old"]) == 1 else f"DIFFER {digest}"
    print(f"{stage:9} CPU old {c['old']:7.1f} ms new {c['new']:7.1f} ms: speed {c['old'] / c['new']:.2f}x;"
          f" wall old {w['old']:7.1f} new {w['new']:7.1f}: {w['old'] / w['new']:.2f}x; outputs {same}")
PYTHON
