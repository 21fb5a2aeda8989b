#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
label: StainShift scatter/gather
doc: |
  One `stainshift score-slide` step per slide of the manifest, then one `stainshift cohort`
  step: the same tables and report as `stainshift run MANIFEST -o OUTDIR`. The manifest's image
  paths are relative to its folder, so the folder (`data`) is the input and `manifest` names the
  sheet inside it.

requirements:
  ScatterFeatureRequirement: {}

inputs:
  data:
    type: Directory
    loadListing: no_listing
    doc: The folder holding the manifest and the images it names.
  manifest:
    type: string
    default: manifest.tsv
    doc: The manifest's path inside `data` (CSV or TSV, as for `stainshift run`).
  threads:
    type: int
    default: 2
    doc: Threads per score-slide job; results do not depend on it.
  ram_mb:
    type: int
    default: 2000
  markers:
    type: File?
    doc: Marker config JSON (stainshift --markers).
  stains:
    type: string?
    doc: Stains for slides whose manifest row names none (stainshift --stains).
  preset:
    type: string?
    doc: Nucleus and cell detection (stainshift --preset default, qupath-0.3 or distance-watershed).
  detection_threshold:
    type: float?
    doc: Fixed detection threshold in OD (stainshift --detection-threshold).
  od_scale:
    type: string?
    doc: Factor for measured OD, auto or a number (stainshift --od-scale; 1 scores OD as scanned).
  classifier_config:
    type: File?
    doc: Classifier config JSON (stainshift cohort --config).
  keep_going:
    type: boolean
    default: false
    doc: Record unreadable tiles in failures.tsv instead of failing their slide's step.

outputs:
  results:
    type: Directory
    doc: tiles.tsv, slides.tsv, changes.tsv, groups.tsv, failures.tsv, report.html, report.json
    outputSource: cohort/results
  parts:
    type: File[]
    doc: One JSON part per slide.
    outputSource: score_slide/part
  versions:
    type: File
    outputSource: tool_versions/versions

steps:
  list_slides:
    run: list-slides.cwl
    in:
      data: data
      manifest: manifest
      markers: markers
    out: [slides]

  score_slide:
    run: score-slide.cwl
    scatter: slide
    in:
      data: data
      manifest: manifest
      slide: list_slides/slides
      threads: threads
      ram_mb: ram_mb
      markers: markers
      stains: stains
      preset: preset
      detection_threshold: detection_threshold
      od_scale: od_scale
      keep_going: keep_going
    out: [part]

  cohort:
    run: cohort.cwl
    in:
      parts: score_slide/part
      data: data
      manifest: manifest
      threads: threads
      ram_mb: ram_mb
      markers: markers
      classifier_config: classifier_config
      keep_going: keep_going
    out: [results]

  tool_versions:
    run: versions.cwl
    in: {}
    out: [versions]
