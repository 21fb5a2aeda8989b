#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: stainshift cohort
doc: |
  Combines the slides' parts into the tables and report `stainshift run MANIFEST -o OUTDIR`
  writes for the same manifest: tiles.tsv, slides.tsv, changes.tsv, groups.tsv, failures.tsv,
  report.html and report.json, in the output folder `results`.

requirements:
  ResourceRequirement:
    coresMin: $(inputs.threads)
    ramMin: $(inputs.ram_mb)

hints:
  SoftwareRequirement:
    packages:
      stainshift: {}

baseCommand: [stainshift, cohort]

inputs:
  parts:
    type: File[]
    doc: One part per slide, from score-slide.
    inputBinding:
      position: 1
  data:
    type: Directory
    loadListing: no_listing
    doc: The folder holding the manifest and the images it names.
  manifest:
    type: string
    default: manifest.tsv
    doc: The manifest's path inside `data`.
  threads:
    type: int
    default: 2
  ram_mb:
    type: int
    default: 2000
  markers:
    type: File?
    doc: Marker config JSON, the one score-slide was given.
    inputBinding:
      position: 5
      prefix: --markers
  classifier_config:
    type: File?
    doc: Classifier config JSON (PD-L1 change thresholds, benefit rules).
    inputBinding:
      position: 6
      prefix: --config
  keep_going:
    type: boolean
    default: false
    inputBinding:
      position: 7
      prefix: --keep-going

arguments:
  - position: 2
    prefix: --manifest
    valueFrom: $(inputs.data.path)/$(inputs.manifest)
  - position: 3
    prefix: -o
    valueFrom: results
  - position: 4
    prefix: --threads
    valueFrom: $(runtime.cores)

outputs:
  results:
    type: Directory
    doc: The tables and report.
    outputBinding:
      glob: results
  tiles:
    type: File
    outputBinding: {glob: results/tiles.tsv}
  slides:
    type: File
    outputBinding: {glob: results/slides.tsv}
  changes:
    type: File
    outputBinding: {glob: results/changes.tsv}
  groups:
    type: File
    outputBinding: {glob: results/groups.tsv}
  failures:
    type: File
    outputBinding: {glob: results/failures.tsv}
  report_html:
    type: File
    outputBinding: {glob: results/report.html}
  report_json:
    type: File
    outputBinding: {glob: results/report.json}
