// The umbrella module: `import StainShift` brings every pipeline stage.
@_exported import StainShiftImaging
@_exported import StainShiftStains
@_exported import StainShiftTissue
@_exported import StainShiftCells
@_exported import StainShiftScoring
@_exported import StainShiftLearn
@_exported import StainShiftSynth
@_exported import StainShiftCohort
@_exported import StainShiftEvaluation
@_exported import StainShiftClassify
@_exported import StainShiftReport
@_exported import StainShiftPipeline
