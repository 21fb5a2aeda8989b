#!/usr/bin/env python3
"""make validate: StainShift against expert points on the shared dev set, beside the textbook peer.

    validate.py [--bin .build/release/stainshift] [--devset ../shared/validation/devset]
                [--out out/validate] [--threads N] [--grid 0.10,0.15,0.20,0.25,0.30] [--no-peer] [--cells-only]

1. Writes one LIST.tsv per source (and ALL.tsv) for the dev set: BCData (complete=no: only tumour
   cells labelled), EndoNuke (complete=yes: every nucleus), NuClick (complete=no: lymphocytes only)
   and the Ki67 ROI (complete=no: only tumour nests in the ROI).
2. Runs `stainshift evaluate --marker ki67` with default settings and prints per source and overall:
   images, labelled points, detection recall, precision and F1 (complete sources), positivity
   agreement, Ki67 index MAE, Pearson r and largest error.
   The same again with `--stains auto` (stains estimated from each image), as a second row.
3. Runs the textbook scikit-image peer (shared/validation/peers/textbook_skimage.py) on every image
   (peer_cells.py takes its nucleus centroids and calls) and evaluates its cells through the same
   `stainshift evaluate` matching (a `detections` column), printing its rows beside StainShift's.
4. Leave-one-source-out: for a grid of marker files (the Ki67 nuclear DAB threshold), each source is
   reported at the grid point that is best on the OTHER sources (mean index MAE over the other
   sources with positivity labels, else mean F1, or recall where F1 is undefined).
5. Trained cell classes (`stainshift train-cells`, labels as models/cell_lists.py maps them; only
   this section with --cells-only): EndoNuke stroma vs epithelium leave-one-image-out (one fold
   per image); held-out checks against the morphology rule, by role, with precision and recall:
   EndoNuke half/half both ways (alternate images; forest seeds 1-3), NuClick lymphocytes (trained with the other
   sources and half of NuClick, tested on the other half); and leave-one-source-out: BCData
   tumour, NuClick lymphocytes and EndoNuke each left out of the default recipe and tested on.

Standard library only. Without the dev set it says so and exits 0.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))
import cell_lists  # noqa: E402  (the dev set's images and the training labels of section 5)
# Whether each source labels every nucleus (SOURCES.md): only complete sources have false positives.
COMPLETE = {
    'bcdata_ki67_testsubset': 'no',
    'endonuke_erpr': 'yes',
    'nuclick_ihc_lymphocytes': 'no',
    'nznmol_ki67_roi': 'no',
}


def log(*a):
    print('make validate:', *a, file=sys.stderr, flush=True)


def write_lists(devset, out):
    """LIST.tsv per source and ALL.tsv in out/lists; paths relative to that folder."""
    lists = os.path.join(out, 'lists')
    os.makedirs(lists, exist_ok=True)
    rows_all = []
    for source in sorted(os.listdir(devset)):
        if not os.path.isdir(os.path.join(devset, source, 'images')):
            continue
        rows = [(os.path.relpath(image, lists), os.path.relpath(label, lists), source, COMPLETE.get(source, 'no'))
                for image, label, _ in cell_lists.images_with_labels(devset, source)]
        with open(os.path.join(lists, source + '.tsv'), 'w') as f:
            f.write('image\tannotations\tsource\tcomplete\n')
            f.writelines('\t'.join(r) + '\n' for r in rows)
        rows_all += rows
    path = os.path.join(lists, 'ALL.tsv')
    with open(path, 'w') as f:
        f.write('image\tannotations\tsource\tcomplete\n')
        f.writelines('\t'.join(r) + '\n' for r in rows_all)
    return path, rows_all


def evaluate(binary, listing, json_out, threads, extra=()):
    cmd = [binary, 'evaluate', '--annotations', listing, '--marker', 'ki67', '--json', json_out,
           '--threads', str(threads), '--quiet', '--keep-going'] + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        log('stainshift evaluate failed (%d): %s' % (r.returncode, r.stderr.strip()))
        sys.exit(1)
    with open(json_out) as f:
        return json.load(f)


def index_stats(pairs):
    """(MAE, Pearson r, signed largest error) over (truth, measured) pairs."""
    if not pairs:
        return None, None, None
    errors = [m - t for t, m in pairs]
    mae = sum(abs(e) for e in errors) / len(errors)
    worst = max(errors, key=abs)
    r = None
    if len(pairs) >= 2:
        xs, ys = [t for t, _ in pairs], [m for _, m in pairs]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
        r = sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None
    return mae, r, worst


def fmt(v, digits=3):
    return '-' if v is None else '%.*f' % (digits, v)


def print_table(title, header, rows):
    widths = [max(len(str(r[k])) for r in [header] + rows) for k in range(len(header))]
    print('\n' + title)
    for r in [header] + rows:
        print('  '.join(str(v).ljust(widths[k]) if k < 2 else str(v).rjust(widths[k]) for k, v in enumerate(r)))


def summary_row(name, method, s):
    d = s['detection']
    return [name, method, s['images'], s['points'], fmt(d['recall']), fmt(d['precision']), fmt(d['f1']),
            fmt(s['positivity_agreement']), fmt(s['index_mae'], 1), fmt(s['index_r'], 2), fmt(s['index_max_error'], 1)]


HEADER = ['source', 'method', 'images', 'points', 'recall', 'precision', 'F1', 'agree', 'MAE', 'r', 'max err']


def peer_python():
    """The peer's interpreter: $PEER_PYTHON, else the benchmarks' venv (made as Benchmarks/scoring/bench.sh
    makes it, plus pillow and tifffile), or None when it cannot be had."""
    if os.environ.get('PEER_PYTHON'):
        return os.environ['PEER_PYTHON']
    venv = os.path.join(ROOT, 'Benchmarks', '.venv')
    py = os.path.join(venv, 'bin', 'python')
    need = 'import numpy, scipy, skimage, PIL, tifffile'
    if os.path.exists(py) and subprocess.run([py, '-c', need], capture_output=True).returncode == 0:
        return py
    log('making the peer venv in %s (scikit-image, numpy, scipy, pillow, tifffile)' % venv)
    try:
        if not os.path.exists(py):
            subprocess.run([sys.executable, '-m', 'venv', venv], check=True, stdout=sys.stderr)
        subprocess.run([os.path.join(venv, 'bin', 'pip'), 'install', '--quiet', 'scikit-image', 'numpy', 'scipy',
                        'pillow', 'tifffile'], check=True, stdout=sys.stderr)
    except (subprocess.CalledProcessError, OSError) as e:
        log('cannot make the peer venv (%s): peer skipped' % e)
        return None
    return py


def run_peer(binary, peer, python, rows, lists, out, threads):
    """The peer on every image (`peer_cells.py`, one process per thread), then its cells through
    `stainshift evaluate` with a list whose `detections` column names them: the same matching and
    metrics as StainShift's. Returns the evaluation document."""
    folder = os.path.join(out, 'peer')
    os.makedirs(folder, exist_ok=True)
    jobs = []
    for image, labels, source, complete in rows:
        stem = source + '__' + os.path.splitext(os.path.basename(image))[0]
        jobs.append((os.path.normpath(os.path.join(lists, image)), stem, (image, labels, source, complete)))
    chunks = [jobs[k::threads] for k in range(threads)]
    procs = []
    for chunk in chunks:
        p = subprocess.Popen([python, os.path.join(HERE, 'peer_cells.py'), peer, folder], stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        procs.append((p, ''.join('%s\t%s\n' % (j[0], j[1]) for j in chunk)))
    for p, text in procs:
        _, err = p.communicate(text)
        if err.strip():
            log('peer: ' + err.strip()[-500:])
    listing = os.path.join(lists, 'PEER.tsv')
    with open(listing, 'w') as f:
        f.write('image\tannotations\tsource\tcomplete\tdetections\n')
        for _, stem, (image, labels, source, complete) in jobs:
            cells = os.path.join(folder, stem + '.cells.tsv')
            f.write('\t'.join([image, labels, source, complete, os.path.relpath(cells, lists)]) + '\n')
    return evaluate(binary, listing, os.path.join(out, 'textbook.json'), threads,
                    ['--table', os.path.join(out, 'textbook_images.tsv')])


def grid_files(out, thresholds):
    folder = os.path.join(out, 'grid')
    os.makedirs(folder, exist_ok=True)
    files = []
    for t in thresholds:
        path = os.path.join(folder, 'ki67-%.2f.json' % t)
        with open(path, 'w') as f:
            json.dump({'markers': [{'name': 'ki67', 'thresholds': {'weak': t, 'moderate': max(0.4, t + 0.1),
                                                                   'strong': max(0.6, t + 0.3)}}]}, f)
        files.append(('dab>=%.2f' % t, path))
    return files


def choose(held_out, runs):
    """The grid point best on the sources other than `held_out` (see the module doc)."""
    def criterion(doc):
        others = [s for name, s in doc['sources'].items() if name != held_out]
        mae = [s['index_mae'] for s in others if s['index_mae'] is not None]
        if mae:
            return sum(mae) / len(mae)
        det = [s['detection']['f1'] if s['detection']['f1'] is not None else s['detection']['recall'] for s in others]
        det = [d for d in det if d is not None]
        return -(sum(det) / len(det)) if det else 0.0
    return min(runs, key=lambda run: criterion(run[1]))   # the first of equals: grid order


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--bin', default=os.path.join(ROOT, '.build', 'release', 'stainshift'))
    ap.add_argument('--devset', default=os.path.join(os.path.dirname(ROOT), 'shared', 'validation', 'devset'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'out', 'validate'))
    ap.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--grid', default='0.10,0.15,0.20,0.25,0.30',
                    help='Ki67 nuclear DAB thresholds (OD) for leave-one-source-out')
    ap.add_argument('--no-peer', action='store_true')
    ap.add_argument('--cells-only', action='store_true', help='only section 5 (trained cell classes)')
    a = ap.parse_args()
    if not os.path.isdir(a.devset):
        print('*** make validate: no dev set at %s (../shared absent): nothing validated ***' % a.devset)
        return 0
    if not os.access(a.bin, os.X_OK):
        log('no stainshift binary at %s (make validate builds it)' % a.bin)
        return 1
    os.makedirs(a.out, exist_ok=True)
    if a.cells_only:
        learn_section(a.bin, a.devset, os.path.join(a.out, 'learn'), a.threads)
        return 0
    listing, rows = write_lists(a.devset, a.out)
    log('%d images from %s; lists in %s' % (len(rows), a.devset, os.path.dirname(listing)))
    python = None if a.no_peer else peer_python()

    default = evaluate(a.bin, listing, os.path.join(a.out, 'stainshift.json'), a.threads,
                       ['--table', os.path.join(a.out, 'stainshift_images.tsv')])
    # The same with the stains estimated from each image (Macenko, `--stains auto`), for comparison.
    log('stainshift --stains auto on %d images' % len(rows))
    auto = evaluate(a.bin, listing, os.path.join(a.out, 'stainshift_auto.json'), a.threads, ['--stains', 'auto'])
    peer = None
    peer_script = os.path.join(os.path.dirname(a.devset), 'peers', 'textbook_skimage.py')
    if python and os.path.exists(peer_script):
        log('textbook peer on %d images' % len(rows))
        peer = run_peer(a.bin, peer_script, python, rows, os.path.dirname(listing), a.out, a.threads)

    table = []
    for name, s in list(default['sources'].items()) + [('overall', default['overall'])]:
        table.append(summary_row(name, 'stainshift', s))
        estimated = auto['overall'] if name == 'overall' else auto['sources'].get(name)
        if estimated:
            table.append(summary_row('', 'stains auto', estimated))
        if peer:
            s = peer['overall'] if name == 'overall' else peer['sources'].get(name)
            if s:
                table.append(summary_row('', 'textbook', s))
    print_table('Dev set, default settings (--marker ki67), beside the textbook scikit-image peer '
                '(its cells through the same matching)', HEADER, table)
    for f in default['failures']:
        log('failed: %s' % f['error'])

    thresholds = [float(t) for t in a.grid.split(',') if t.strip()]
    runs = []
    for name, path in grid_files(a.out, thresholds):
        log('grid %s' % name)
        runs.append((name, evaluate(a.bin, listing, os.path.join(a.out, 'grid', name + '.json'), a.threads,
                                    ['--markers', path])))
    names = list(default['sources'])
    grid = [[name] + [fmt(doc['sources'][src]['index_mae'], 1) + ' / ' + fmt(doc['sources'][src]['positivity_agreement'])
                      for src in names] for name, doc in runs]
    print_table('Grid: index MAE / positivity agreement per source at each Ki67 DAB threshold '
                '(detection does not depend on it)', ['threshold', ''] + names,
                [[g[0], ''] + g[1:] for g in grid])
    loso = []
    for source in default['sources']:
        name, doc = choose(source, runs)
        loso.append(summary_row(source, name, doc['sources'][source]))
    print_table('Leave-one-source-out: each source at the grid point best on the other sources '
                '(method = the chosen Ki67 DAB threshold)', HEADER, loso)
    learn_section(a.bin, a.devset, os.path.join(a.out, 'learn'), a.threads)
    print('\nJSON and per-image tables: %s' % a.out)
    return 0


def train_cells(binary, listing, model, threads, extra=(), seed=1):
    """`stainshift train-cells` with its default forest (trees, depth, leaf size, bootstrap), as a
    lab would run it; only the seed is given."""
    cmd = [binary, 'train-cells', '--annotations', listing, '--marker', 'ki67', '-o', model, '--seed', str(seed),
           '--threads', str(threads)] + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        log('stainshift train-cells failed (%d): %s' % (r.returncode, r.stderr.strip()[-800:]))
        return None
    with open(model) as f:
        return json.load(f)


def role_rows(title, h):
    """Rows (held out, role, cells, forest precision / recall, rule precision / recall) of a
    `holdout` record: its confusion matrices by role (rows truth, columns predicted)."""
    out = []
    for i, role in enumerate(h['roles']):
        n = sum(h['forest'][i])
        if not n:
            continue
        cells = []
        for m in (h['forest'], h['rule'], h.get('relative_rule')):
            if m is None:
                cells += ['-', '-']
                continue
            called = sum(row[i] for row in m)
            cells += [fmt(m[i][i] / called if called else None), fmt(m[i][i] / n)]
        out.append([title if not out else '', role, n] + cells)
    return out


ROLE_HEADER = ['held out', 'role', 'cells', 'forest prec', 'forest rec', 'rule prec', 'rule rec',
               'rel. rule prec', 'rel. rule rec']


SEEDS = (1, 2, 3)


def learn_section(binary, devset, out, threads):
    """Section 5 of the module doc."""
    rows = cell_lists.rows_by_source(devset, out)
    endo, nuclick, bcdata = rows['endonuke_erpr'], rows['nuclick_ihc_lymphocytes'], rows['bcdata_ki67_testsubset']

    def listing(name, r):
        return cell_lists.write_list(os.path.join(out, name + '.tsv'), r)

    def cv_table(title, model):
        cv = model['training']['cross_validation']
        table = [[c['name'], c['role'], n, fmt(p), fmt(r)] for c, n, p, r in
                 zip(model['classes'], model['training']['cells_per_class'], cv['precision'], cv['recall'])]
        print_table(title % (cv['folds'], model['training']['images']), ['class', 'role', 'cells', 'precision', 'recall'], table)

    log('train-cells: EndoNuke leave-one-image-out (%d forests)' % len(endo))
    model = train_cells(binary, listing('endonuke', endo), os.path.join(out, 'endonuke-loio.json'), threads,
                        ['--folds', str(len(endo))])
    if model:
        cv_table('Trained cell classes: EndoNuke, leave-one-image-out (%d folds, one per image; %d images)', model)
    # The EndoNuke halves at three forest seeds: the spread is the forest's own randomness.
    checks = [('EndoNuke half B (trained on half A), seed %d' % s, endo[0::2], endo[1::2], s) for s in SEEDS]
    checks += [('EndoNuke half A (trained on half B), seed %d' % s, endo[1::2], endo[0::2], s) for s in SEEDS]
    checks.append(('NuClick half B (trained on EndoNuke, BCData, NuClick half A)', endo + bcdata + nuclick[0::2],
                   nuclick[1::2], 1))
    table = []
    for k, (title, train, test, seed) in enumerate(checks):
        log('train-cells: ' + title)
        model = train_cells(binary, listing('train%d' % k, train), os.path.join(out, 'holdout%d.json' % k), threads,
                            ['--folds', '5', '--holdout', listing('test%d' % k, test)], seed=seed)
        h = model and model['training'].get('holdout')
        if h:
            table += role_rows(title, h)
    print_table('Trained cell classes on held-out images, by role: forest vs the morphology rule (fixed 0.55 OD '
                'cut) and the rule relative to its neighbours (precision within the labelled cells of the '
                'held-out images; the rules have no stroma class)',
                ROLE_HEADER, table)
    # Leave-one-source-out: the shipped default's recipe (models/cell_lists.py) with one source left
    # out of training and tested on. EndoNuke is the only source of stroma, so without it the
    # forest has no stroma class and its stroma cells can only be wrong.
    loso = [
        ('BCData tumour (trained on EndoNuke and NuClick)', endo + nuclick, bcdata),
        ('NuClick lymphocytes (trained on EndoNuke and BCData)', endo + bcdata, nuclick),
        ('EndoNuke (trained on NuClick and BCData: no stroma class)', nuclick + bcdata, endo),
    ]
    table = []
    for k, (title, train, test) in enumerate(loso):
        log('train-cells: leave-one-source-out: ' + title)
        model = train_cells(binary, listing('loso-train%d' % k, train), os.path.join(out, 'loso%d.json' % k), threads,
                            ['--folds', '5', '--holdout', listing('loso-test%d' % k, test)])
        h = model and model['training'].get('holdout')
        if h:
            table += role_rows(title, h)
    print_table('Leave-one-source-out, by role: the default recipe without the held-out source vs the morphology rule '
                '(the shipped default is used only where it beats the rule here)', ROLE_HEADER, table)


if __name__ == '__main__':
    sys.exit(main())
