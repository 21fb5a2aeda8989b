#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: Record tool versions
doc: |
  Writes versions.yml (the layout of nf-core's versions.yml: step, then tool: version) with the
  first line of `stainshift --version`, from the same environment the other steps run in.

requirements:
  ResourceRequirement:
    coresMin: 1
    ramMin: 256

hints:
  SoftwareRequirement:
    packages:
      stainshift: {}

baseCommand: [sh, -c]

arguments:
  - |
    set -e
    version=`stainshift --version | head -n 1`
    test -n "$version" || { echo "versions: stainshift --version printed nothing" >&2; exit 1; }
    printf 'score_slide:\n  stainshift: "%s"\ncohort:\n  stainshift: "%s"\n' "$version" "$version"

inputs: []

stdout: versions.yml

outputs:
  versions:
    type: stdout
