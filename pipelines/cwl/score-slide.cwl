#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: stainshift score-slide
doc: |
  Scores one slide's tiles and writes its part: additive totals, per-tile rows and QC as JSON.
  Exit status 3 (some tiles unreadable) fails the step unless `keep_going` is true, in which
  case the failures travel in the part and end up in failures.tsv. Messages go to stderr.

requirements:
  ResourceRequirement:
    coresMin: $(inputs.threads)
    ramMin: $(inputs.ram_mb)

hints:
  SoftwareRequirement:
    packages:
      stainshift: {}

baseCommand: [stainshift, score-slide]

inputs:
  data:
    type: Directory
    loadListing: no_listing
    doc: The folder holding the manifest; its image paths are relative to this folder.
  manifest:
    type: string
    default: manifest.tsv
    doc: The manifest's path inside `data`.
  slide:
    type: string
    doc: A slide id (the manifest's `slide` column, else patient_timepoint_marker).
    inputBinding:
      position: 2
      prefix: --slide
  threads:
    type: int
    default: 2
  ram_mb:
    type: int
    default: 2000
  markers:
    type: File?
    doc: Marker config JSON (thresholds, formulas); give cohort the same one.
    inputBinding:
      position: 5
      prefix: --markers
  stains:
    type: string?
    doc: Stains for slides whose manifest row names none (a preset or auto).
    inputBinding:
      position: 6
      prefix: --stains
  keep_going:
    type: boolean
    default: false
    inputBinding:
      position: 7
      prefix: --keep-going
  preset:
    type: string?
    doc: Nucleus and cell detection (default, qupath-0.3 or distance-watershed).
    inputBinding:
      position: 8
      prefix: --preset
  detection_threshold:
    type: float?
    doc: Fixed detection threshold in OD instead of the automatic one.
    inputBinding:
      position: 9
      prefix: --detection-threshold
  od_scale:
    type: string?
    doc: Factor for every measured OD, auto (the image's own) or a number; 1 scores OD as scanned.
    inputBinding:
      position: 10
      prefix: --od-scale

arguments:
  - position: 1
    valueFrom: $(inputs.data.path)/$(inputs.manifest)
  - position: 3
    prefix: -o
    valueFrom: $(inputs.slide).json
  - position: 4
    prefix: --threads
    valueFrom: $(runtime.cores)
  - position: 4
    valueFrom: --quiet

outputs:
  part:
    type: File
    outputBinding:
      glob: $(inputs.slide).json
