#!/usr/bin/env python3
"""Runs the textbook scikit-image peer on many images in one process and writes, per image, its
`stainshift score`-style JSON and its cells as a detections TSV (`x y positive`: nucleus centroids
in image pixels, positive when the mean nuclear DAB OD is above the peer's 1+ threshold), so that
`stainshift evaluate` can match the peer's cells to expert points exactly as it matches its own.

    peer_cells.py PEER_SCRIPT OUTDIR < jobs.tsv      (jobs: image path, output stem; tab-separated)

Needs the peer's packages (numpy, scipy, scikit-image, pillow, tifffile). The peer runs with its own
defaults, as its command line does.
"""
import importlib.util
import json
import os
import sys

import numpy as np
from scipy import ndimage as ndi


def main():
    peer_path, out = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location('textbook_skimage', peer_path)
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        image, stem = line.rstrip('\n').split('\t')
        debug = {}
        try:
            result = peer.score(image, 'ki67', debug=debug)
        except Exception as e:  # one image's failure is reported and the rest go on
            print('peer_cells: %s: %s: %s' % (image, type(e).__name__, e), file=sys.stderr)
            status = 1
            continue
        labels, dab = debug['labels'], debug['dab']
        px = result['method']['pixel_size_um']
        n = int(labels.max())
        rows = []
        if n:
            idx = np.arange(1, n + 1)
            area = ndi.sum(np.ones_like(dab), labels, idx)
            mean = ndi.mean(dab, labels, idx)
            centres = ndi.center_of_mass(np.ones_like(dab), labels, idx)
            ok = (area >= peer.MIN_AREA_UM2 / px ** 2) & (area <= peer.MAX_AREA_UM2 / px ** 2)
            for k in np.nonzero(ok)[0]:
                cy, cx = centres[k]
                rows.append('%.2f\t%.2f\t%d\n' % (cx, cy, int(mean[k] > peer.DAB_BINS[0])))
        assert len(rows) == result['cells']['total'], 'cells differ from the peer\'s count'
        with open(os.path.join(out, stem + '.cells.tsv'), 'w') as f:
            f.write('x\ty\tpositive\n')
            f.writelines(rows)
        with open(os.path.join(out, stem + '.json'), 'w') as f:
            json.dump(result, f)
    return status


if __name__ == '__main__':
    sys.exit(main())
