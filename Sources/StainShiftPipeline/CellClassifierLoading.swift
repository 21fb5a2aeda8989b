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

/// A manifest row's own cell classifier (the `cell_classifier` column), loaded: the morphology
/// rule (`classifier` nil) or a model, with what identifies it in the resume-cache key.
public struct RowCellClassifier: Sendable {
    public var classifier: (any CellClassifying)?
    public var key: String

    public init(classifier: (any CellClassifying)?, key: String) { self.classifier = classifier; self.key = key }

    /// The column's value loaded: `morphology`, `default` (the shipped model) or a model file
    /// (`loadCellClassifier`). Each model is parsed once per process and content (the key holds the
    /// file's SHA-256), so a batch of many rows naming one model reads it once.
    public static func load(_ name: String) throws(PipelineError) -> RowCellClassifier {
        if name == "morphology" { return RowCellClassifier(classifier: nil, key: "morphology") }
        let key = cellClassifierKey(path: name)
        return try loaded.value(key) { () throws(PipelineError) in
            RowCellClassifier(classifier: try loadCellClassifier(path: name), key: key)
        }
    }

    private static let loaded = LoadedModels()

    /// Models by key, behind a lock (rows are scored in parallel).
    private final class LoadedModels: @unchecked Sendable {
        private let lock = NSLock()
        private var models: [String: RowCellClassifier] = [:]

        func value(_ key: String, load: () throws(PipelineError) -> RowCellClassifier) throws(PipelineError) -> RowCellClassifier {
            lock.lock()
            defer { lock.unlock() }
            if let model = models[key] { return model }
            let model = try load()
            models[key] = model
            return model
        }
    }
}
