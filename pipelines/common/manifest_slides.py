#!/usr/bin/env python3
"""List the slide ids of a StainShift manifest, the ids `stainshift score-slide --slide ID` takes.

The rule mirrors `Manifest.swift` and `RowValidator.swift` in StainShiftCohort, so a workflow
schedules exactly the slides `stainshift run` would score:
- Delimiter: the extension decides (`.tsv`/`.tab` tab, `.csv` comma), else a tab in the header line.
- UTF-8, a leading byte-order mark is dropped, fields are trimmed, header names are lower-cased.
- Slide id: the row's `slide` value when non-empty, else `<patient>_<timepoint>_<marker>` with
  timepoint and marker lower-cased (`P01_pre_pdl1`).
- Rows stainshift sets aside (listed in failures.tsv, never scored) belong to no slide: blank
  rows, too few fields, an empty patient/timepoint/marker/image, a timepoint other than pre/post,
  an unknown marker, a bad pixel_size or outcome, a duplicate row, a slide id already used by
  another patient/timepoint/marker or with another pixel_size or stains, an outcome contradicting
  the patient's earlier one, and (when `check_files`) an image that is missing or not a file.
Ids come out in order of first appearance. Used by the Snakefile (imported) and by the CWL tool
`list-slides.cwl` (run as a script: prints `{"slides": [...]}`).
"""
import csv
import io
import json
import math
import os
import sys

REQUIRED = ("patient", "timepoint", "marker", "image")
TIMEPOINTS = ("pre", "post")
# Marker.builtins in StainShiftScoring/BuiltinMarkers.swift.
BUILTIN_MARKERS = ("pdl1", "hla1", "crt", "hmgb1", "ki67")
OUTCOMES = {
    "1": 1, "yes": 1, "true": 1, "responder": 1, "response": 1, "r": 1, "benefit": 1,
    "0": 0, "no": 0, "false": 0, "non_responder": 0, "nonresponder": 0, "non-responder": 0, "nr": 0,
    "no_benefit": 0,
}


class ManifestError(Exception):
    """A file that cannot be used at all (missing, not UTF-8, no header, missing columns)."""


def delimiter(path, header_line):
    ext = os.path.splitext(path)[1].lower()
    if ext in (".tsv", ".tab"):
        return "\t"
    if ext == ".csv":
        return ","
    return "\t" if "\t" in header_line else ","


def _read_text(path):
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: is not UTF-8 text") from None
    except OSError as error:
        raise ManifestError(f"{path}: cannot be read ({error.strerror})") from None
    return text[1:] if text.startswith("\ufeff") else text


def known_markers(markers_config=None):
    """The built-in marker names plus those a `--markers` config file adds."""
    names = set(BUILTIN_MARKERS)
    if markers_config:
        try:
            document = json.loads(_read_text(markers_config))
        except ValueError:
            raise ManifestError(f"{markers_config}: not a marker config: invalid JSON") from None
        entries = document.get("markers", []) if isinstance(document, dict) else document
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                names.add(entry["name"].lower())
    return names


def _pixel_size(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 and "_" not in text else None


def slide_rows(path, markers=None, check_files=True):
    """Yields (slide_id, row) for every row stainshift would score; `row` maps lower-cased
    column names to trimmed values, plus `path`, the image resolved against the manifest's folder."""
    markers = set(markers) if markers is not None else set(BUILTIN_MARKERS)
    text = _read_text(path)
    folder = os.path.dirname(path)
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
    seen, owners, outcomes = set(), {}, {}
    for fields in reader:
        fields = [field.strip() for field in fields]
        if not any(fields) or len(fields) < len(names):
            continue
        row = {name: fields[index] for name, index in column.items()}
        if any(not row[name] for name in REQUIRED):
            continue
        timepoint = row["timepoint"].lower()
        marker = row["marker"].lower()
        if timepoint not in TIMEPOINTS or marker not in markers:
            continue
        pixel_size = None
        if row.get("pixel_size"):
            pixel_size = _pixel_size(row["pixel_size"])
            if pixel_size is None:
                continue
        outcome = None
        if row.get("outcome"):
            outcome = OUTCOMES.get(row["outcome"].lower())
            if outcome is None:
                continue
        patient, image, stains = row["patient"], row["image"], row.get("stains", "")
        slide = row.get("slide", "") or f"{patient}_{timepoint}_{marker}"
        key = (patient, timepoint, marker, slide, image)
        if key in seen:
            continue
        owner = owners.get(slide)
        if owner is not None and owner != (patient, timepoint, marker, pixel_size, stains):
            continue
        if outcome is not None and outcomes.get(patient, outcome) != outcome:
            continue
        row["path"] = image if image.startswith("/") else os.path.normpath(os.path.join(folder, image))
        if check_files and not (os.path.isfile(row["path"]) and os.access(row["path"], os.R_OK)):
            continue
        seen.add(key)
        owners.setdefault(slide, (patient, timepoint, marker, pixel_size, stains))
        if outcome is not None:
            outcomes.setdefault(patient, outcome)
        yield slide, row


def slide_ids(path, markers=None, check_files=True):
    """The manifest's slide ids, each once, in order of first appearance."""
    seen = {}
    for slide, _ in slide_rows(path, markers, check_files):
        seen.setdefault(slide, None)
    return list(seen)


def slide_images(path, markers=None, check_files=True):
    """{slide id: [image paths as written in the manifest]}, for declaring workflow inputs."""
    images = {}
    for slide, row in slide_rows(path, markers, check_files):
        images.setdefault(slide, []).append(row["image"])
    return images


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(
        prog="manifest_slides.py",
        description="Print the slide ids stainshift would score, as JSON: {\"slides\": [...]}.")
    parser.add_argument("manifest")
    parser.add_argument("--markers", help="marker config JSON, as given to stainshift --markers")
    parser.add_argument("--no-check-files", action="store_true",
                        help="keep rows whose image is not (yet) on this machine")
    args = parser.parse_args(argv[1:])
    try:
        ids = slide_ids(args.manifest, known_markers(args.markers), not args.no_check_files)
    except ManifestError as error:
        print(f"manifest_slides: {error}", file=sys.stderr)
        return 64
    if not ids:
        print(f"manifest_slides: {args.manifest}: has no usable rows", file=sys.stderr)
        return 64
    json.dump({"slides": ids}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
