import Foundation
import StainShiftCells

/// Loads a cell classifier model (`--cell-classifier MODEL.json`, made by `stainshift train-cells`).
/// The one place the command line turns a model file into a `CellClassifying`. Until the trained
/// model's loader (StainShiftLearn) is in this build, a readable file is refused with a clear
/// "not available" error (a usage error, exit 64), so no command scores with a model it did not load.
public func loadCellClassifier(path: String) throws(PipelineError) -> any CellClassifying {
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw PipelineError(.usage, path: path, reason: "cannot read the cell classifier model (no such file, or not readable)")
    }
    throw PipelineError(.usage, path: path, reason: "cell classifier models are not available in this build "
                        + "(the train-cells model loader is missing); score without --cell-classifier to use the morphology rule")
}
