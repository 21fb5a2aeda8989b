#!/usr/bin/env python3
"""Annotation lists for `stainshift train-cells` from the shared dev set (SOURCES.md there).

    cell_lists.py DEVSET OUT

Writes OUT/labels/<source>/<image>.tsv (x, y, label) and these lists in OUT (image paths absolute):
  default.tsv      EndoNuke stroma -> stroma, EndoNuke epithelium (label `other`, source_label
                   `epithelium`) -> tumour, NuClick lymphocyte -> lymphocyte, BCData positive and
                   negative -> tumour. EndoNuke's true `other` nuclei (299) are left out.
  <source>.tsv     the same, one source each.
  <source>_a.tsv, <source>_b.tsv
                   the source's images split in two, fixed: alternate images in name order.
Standard library only.
"""
import os
import sys

SOURCES = ('endonuke_erpr', 'nuclick_ihc_lymphocytes', 'bcdata_ki67_testsubset')
IMAGE_EXT = ('.png', '.jpg', '.jpeg', '.tif', '.tiff')


def label(source, raw, source_label):
    if source == 'endonuke_erpr':
        if raw == 'stroma':
            return 'stroma'
        if raw == 'other' and source_label == 'epithelium':
            return 'tumour'
        return None
    if source == 'nuclick_ihc_lymphocytes':
        return 'lymphocyte' if raw == 'lymphocyte' else None
    if source == 'bcdata_ki67_testsubset':
        return 'tumour' if raw in ('positive', 'negative') else None
    return None


def images_with_labels(devset, source):
    """(image path, label path, stem) of each image of a dev set source, in name order."""
    images = os.path.join(devset, source, 'images')
    out = []
    for name in sorted(os.listdir(images)):
        stem, ext = os.path.splitext(name)
        if ext.lower() in IMAGE_EXT:
            out.append((os.path.join(images, name), os.path.join(devset, source, 'labels', stem + '.tsv'), stem))
    return out


def source_rows(devset, out, source):
    """(image, labels) per image of a source, its derived label file written."""
    folder = os.path.join(out, 'labels', source)
    os.makedirs(folder, exist_ok=True)
    rows = []
    for image, src, stem in images_with_labels(devset, source):
        dst = os.path.join(folder, stem + '.tsv')
        lines = ['x\ty\tlabel']
        with open(src) as f:
            header = f.readline().rstrip('\n').split('\t')
            col = {k: i for i, k in enumerate(header)}
            for line in f:
                v = line.rstrip('\n').split('\t')
                if len(v) < len(header):
                    continue
                l = label(source, v[col['label']], v[col['source_label']] if 'source_label' in col else '')
                if l:
                    lines.append('%s\t%s\t%s' % (v[col['x']], v[col['y']], l))
        with open(dst, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        rows.append((os.path.abspath(image), os.path.abspath(dst), source))
    return rows


def write_list(path, rows):
    with open(path, 'w') as f:
        f.write('image\tannotations\tsource\n')
        f.writelines('\t'.join(r) + '\n' for r in rows)
    return path


def rows_by_source(devset, out):
    """{source: rows} for SOURCES, label files written under out/labels."""
    os.makedirs(out, exist_ok=True)
    return {source: source_rows(devset, out, source) for source in SOURCES}


def write_all(devset, out):
    """Every list; returns {name: path}."""
    lists, everything = {}, []
    for source, rows in rows_by_source(devset, out).items():
        everything += rows
        lists[source] = write_list(os.path.join(out, source + '.tsv'), rows)
        lists[source + '_a'] = write_list(os.path.join(out, source + '_a.tsv'), rows[0::2])
        lists[source + '_b'] = write_list(os.path.join(out, source + '_b.tsv'), rows[1::2])
    lists['default'] = write_list(os.path.join(out, 'default.tsv'), everything)
    return lists


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for name, path in sorted(write_all(sys.argv[1], sys.argv[2]).items()):
        print(path)
