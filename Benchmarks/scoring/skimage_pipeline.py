#!/usr/bin/env python3
"""Textbook scikit-image nucleus scoring, the comparison for `stainshift score` (issue 4):
rgb2hed -> Gaussian -> Otsu threshold -> fill holes -> distance-transform watershed -> per-nucleus
mean DAB -> percent positive (DAB OD >= 0.2). Prints one line per tile and a total:
  TOTAL <MPix/s> <tiles> <seconds>
Usage: skimage_pipeline.py TILE.png [TILE.png ...]
"""
import sys
import time

import numpy as np
from scipy import ndimage as ndi
from skimage import io
from skimage.color import rgb2hed
from skimage.feature import peak_local_max
from skimage.filters import gaussian, threshold_otsu
from skimage.morphology import remove_small_objects
from skimage.segmentation import watershed

PIXEL_UM = 0.5


def drop_small(mask, min_size):
    """Objects smaller than min_size pixels removed: skimage >= 0.26 names it max_size (removing
    objects of at most that size), older versions min_size."""
    try:
        return remove_small_objects(mask, max_size=min_size - 1)
    except TypeError:
        return remove_small_objects(mask, min_size=min_size)


def score(path):
    rgb = io.imread(path)[..., :3]
    hed = rgb2hed(rgb)
    # skimage >= 0.19 returns log(rgb) / log(1e-6) @ inverse, i.e. base-10 OD / 6: rescale to OD.
    h = hed[..., 0] * 6
    dab = hed[..., 2] * 6
    smooth = gaussian(h, sigma=1.5 / PIXEL_UM)
    t = threshold_otsu(smooth)
    mask = ndi.binary_fill_holes(smooth > t)
    mask = drop_small(mask, int(10 / PIXEL_UM**2))
    distance = ndi.distance_transform_edt(mask)
    peaks = peak_local_max(distance, min_distance=int(3 / PIXEL_UM), labels=ndi.label(mask)[0], exclude_border=False)
    markers = np.zeros(distance.shape, dtype=np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    labels = watershed(-distance, markers, mask=mask)
    n = int(labels.max())
    pixels = rgb.shape[0] * rgb.shape[1]
    if n == 0:
        return 0, 0.0, pixels
    means = ndi.mean(dab, labels=labels, index=np.arange(1, n + 1))
    return n, 100 * float(np.mean(np.asarray(means) >= 0.2)), pixels


def main(paths):
    total_px = 0
    start = time.perf_counter()
    for p in paths:
        t0 = time.perf_counter()
        n, pp, pixels = score(p)
        total_px += pixels
        print(f"{p} nuclei={n} percent_positive={pp:.1f} seconds={time.perf_counter() - t0:.2f}", file=sys.stderr)
    seconds = time.perf_counter() - start
    print(f"TOTAL {total_px / seconds / 1e6:.2f} {len(paths)} {seconds:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
