#!/usr/bin/env python3
"""List the slide ids of a StainShift manifest, the ids `stainshift score-slide --slide ID` takes.

The rule mirrors `Manifest.swift` / `RowValidator.swift` in StainShiftCohort:
- Delimiter: the extension decides (`.tsv`/`.tab` tab, `.csv` comma), else a tab in the header line.
- UTF-8, a leading byte-order mark is dropped, fields are trimmed, header names are lower-cased.
- Blank rows are skipped. Rows `stainshift` would reject before scoring (too few fields, an empty
  patient/timepoint/marker/image, a timepoint other than pre/post) belong to no slide.
- Slide id: the row's `slide` value when non-empty, else `<patient>_<timepoint>_<marker>` with
  timepoint and marker lower-cased (`P01_pre_pdl1`).
Ids come out in order of first appearance. Used by the Snakefile (imported) and by the CWL tool
`list-slides.cwl` (run as a script: prints `{"slides": [...]}`).
"""
import csv
import io
import json
import os
import sys

REQUIRED = ("patient", "timepoint", "marker", "image")
TIMEPOINTS = ("pre", "post")


class ManifestError(Exception):
    """A manifest that cannot be used at all (missing file, no header, missing columns)."""


def delimiter(path, header_line):
    ext = os.path.splitext(path)[1].lower()
    if ext in (".tsv", ".tab"):
        return "\t"
    if ext == ".csv":
        return ","
    return "\t" if "\t" in header_line else ","


def slide_rows(path):
    """Yields (slide_id, row_dict) for every row that belongs to a slide."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: is not UTF-8 text") from None
    except OSError as error:
        raise ManifestError(f"{path}: cannot be read ({error.strerror})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    first_line = text.splitlines()[0] if text else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(path, first_line))
    header = next(reader, None)
    if not header or not any(field.strip() for field in header):
        raise ManifestError(f"{path}: is empty (no header row)")
    names = [field.strip().lower() for field in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ManifestError(f"{path}: line 1: missing required column(s) {', '.join(missing)}")
    column = {}
    for index, name in enumerate(names):
        column.setdefault(name, index)
    for fields in reader:
        fields = [field.strip() for field in fields]
        if not any(fields):
            continue
        if len(fields) < len(names):
            continue
        row = {name: fields[index] for name, index in column.items()}
        if any(not row[name] for name in REQUIRED):
            continue
        timepoint = row["timepoint"].lower()
        if timepoint not in TIMEPOINTS:
            continue
        slide = row.get("slide", "") or f"{row['patient']}_{timepoint}_{row['marker'].lower()}"
        yield slide, row


def slide_ids(path):
    """The manifest's slide ids, each once, in order of first appearance."""
    seen = {}
    for slide, _ in slide_rows(path):
        seen.setdefault(slide, None)
    return list(seen)


def slide_images(path):
    """{slide id: [image paths as written in the manifest]}, for declaring workflow inputs."""
    images = {}
    for slide, row in slide_rows(path):
        images.setdefault(slide, []).append(row["image"])
    return images


def main(argv):
    if len(argv) != 2:
        print("usage: manifest_slides.py MANIFEST  (prints {\"slides\": [...]} as JSON)", file=sys.stderr)
        return 64
    try:
        ids = slide_ids(argv[1])
    except ManifestError as error:
        print(f"manifest_slides: {error}", file=sys.stderr)
        return 64
    if not ids:
        print(f"manifest_slides: {argv[1]}: has no usable rows", file=sys.stderr)
        return 64
    json.dump({"slides": ids}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
