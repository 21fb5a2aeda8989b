#!/usr/bin/env bash
# Imaging benchmark: decode a 4096 x 4096 RGB LZW TIFF (strips, then 256 x 256 tiles) with
# StainShift on one thread and on all cores, against `tiffinfo -D` (libtiff's own decode) of the
# same file in the same run. Prints ours, reference and ratios.
# Targets (issue 2): 1 thread within 1.2x of tiffinfo -D; 2 threads at most 0.65x of it.
. "$(dirname "$0")/../prelude.sh"
command -v tiffinfo >/dev/null || { echo "bench.sh: tiffinfo not found (apt install libtiff-tools)" >&2; exit 1; }
swift build -c release --product ImagingBench >/dev/null
bin=$(swift build -c release --show-bin-path)/ImagingBench
work=${BENCH_DIR:-.build/bench-imaging}
mkdir -p "$work"
if [ ! -s "$work/rgb-strips.tif" ]; then
    "$bin" make "$work/rgb-strips.tif" ../shared/validation/OS-2-ndpi.ome.tif
fi
if [ ! -s "$work/rgb-tiles.tif" ]; then
    tiffcp -c lzw:2 -t -w 256 -l 256 "$work/rgb-strips.tif" "$work/rgb-tiles.tif"
fi
"$bin" "$work/rgb-strips.tif" "$work/rgb-tiles.tif" "${BENCH_REPEATS:-7}"
