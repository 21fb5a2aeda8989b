// The umbrella module: `import StainShift` brings every pipeline stage. The synthetic generator
// (StainShiftSynth) is not part of the production library: import it by name (the CLI does for `synth`).
@_exported import StainShiftFoundation
@_exported import StainShiftImaging
@_exported import StainShiftStains
@_exported import StainShiftTissue
@_exported import StainShiftCells
@_exported import StainShiftScoring
@_exported import StainShiftLearn
@_exported import StainShiftCohort
@_exported import StainShiftEvaluation
@_exported import StainShiftClassify
@_exported import StainShiftReport
@_exported import StainShiftPipeline
