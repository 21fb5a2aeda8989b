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
  keep_going:
    type: boolean
    default: false
    inputBinding:
      position: 5
      prefix: --keep-going

arguments:
  - position: 1
    valueFrom: $(inputs.data.path)/$(inputs.manifest)
  - position: 3
    prefix: -o
    valueFrom: $(inputs.slide).json
  - position: 4
    prefix: --threads
    valueFrom: $(runtime.cores)

outputs:
  part:
    type: File
    outputBinding:
      glob: $(inputs.slide).json
