"""Times scikit-image's rgb2hed on an 8-bit RGB image (best of N runs).
Prints one line: `megapixels_per_second <value>`. Usage: rgb2hed_bench.py [SIZE=4096] [ITERATIONS=3]"""
import sys
import time

import numpy as np
import skimage
from skimage.color import rgb2hed

size = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 3
image = np.random.default_rng(2463534242).integers(0, 256, size=(size, size, 3), dtype=np.uint8)
best = float("inf")
for _ in range(iterations):
    t0 = time.perf_counter()
    hed = rgb2hed(image)
    best = min(best, time.perf_counter() - t0)
print(f"megapixels_per_second {size * size / best / 1e6:.1f} skimage {skimage.__version__} dtype {hed.dtype}")
