#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: List a StainShift manifest's slide ids
doc: |
  Prints the slide ids `stainshift score-slide --slide` takes: the manifest's `slide` column,
  else `<patient>_<timepoint>_<marker>` (rule and code: pipelines/common/manifest_slides.py,
  embedded here so the tool is self-contained). Needs python3 (standard library only).

requirements:
  InitialWorkDirRequirement:
    listing:
      - entryname: manifest_slides.py
        entry:
          $include: ../common/manifest_slides.py
  ResourceRequirement:
    coresMin: 1
    ramMin: 256

baseCommand: [python3, manifest_slides.py]

inputs:
  data:
    type: Directory
    loadListing: no_listing
    doc: The folder holding the manifest; its image paths are relative to this folder.
  manifest:
    type: string
    default: manifest.tsv
    doc: The manifest's path inside `data`.
  markers:
    type: File?
    doc: Marker config JSON; the markers it adds count as known.
    inputBinding:
      prefix: --markers

arguments:
  - $(inputs.data.path)/$(inputs.manifest)

stdout: cwl.output.json

outputs:
  slides:
    type: string[]
    doc: Slide ids in order of first appearance in the manifest.
