import Foundation
import StainShiftCells
import StainShiftLearn

/// The name that selects the shipped model (`--cell-classifier default`), trained by
/// models/train-default.sh from the dev set and compiled into the binary.
public let shippedCellClassifierName = "default"

/// Loads a cell classifier model (`--cell-classifier MODEL.json`, made by `stainshift train-cells`,
/// or `default` for the shipped one). The one place the command line turns a model file into a
/// `CellClassifying`. A model that cannot be read or parsed is a usage error naming the file.
public func loadCellClassifier(path: String) throws(PipelineError) -> any CellClassifying {
    do {
        if path == shippedCellClassifierName { return try RandomForestCellClassifier.shippedDefault() }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PipelineError(.usage, path: path, reason: "cannot read the cell classifier model (no such file, or not readable)")
        }
        return try RandomForestCellClassifier(path: path)
    } catch let error as PipelineError {
        throw error
    } catch let error as CellModelError {
        throw PipelineError(.usage, path: error.path, reason: error.reason)
    } catch {
        throw PipelineError(.usage, path: path, reason: "\(error)")
    }
}

/// What identifies the model `path` names, for the resume-cache key and the methods: the shipped
/// model by its StainShift version, a file by its path and SHA-256.
public func cellClassifierKey(path: String) -> String {
    if path == shippedCellClassifierName { return "default (shipped with stainshift \(StainShiftVersion.current))" }
    let sha = (try? ScoreCache.sha256(ofFile: path)) ?? "unreadable"
    return "\(path) (sha256 \(sha))"
}
