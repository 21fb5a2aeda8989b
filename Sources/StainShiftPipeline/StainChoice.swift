import Foundation
import StainShiftImaging
import StainShiftStains

/// The stain matrix a slide is scored with, and where it came from.
public struct StainChoice: Sendable, Equatable {
    public var matrix: StainMatrix
    /// `preset:<name>`, `file:<path as written>`, `text`, `auto` or `auto:fallback` (too few stained
    /// pixels to estimate; the reference stains were used).
    public var source: String

    public init(matrix: StainMatrix, source: String) { self.matrix = matrix; self.source = source }

    /// The matrix in StainMatrix text form (`role:r,g,b;...`): stable text for tables and cache keys.
    public var text: String { matrix.text }
}

/// Turns a `stains` setting (run default or manifest column) into a matrix: a preset name, the
/// text form, a JSON file (relative to the manifest's folder), or `auto` (Macenko on the slide's
/// pooled tiles, Macenko et al. 2009, with the reference preset as fallback).
public struct StainResolver: Sendable {
    /// Reference for `auto`: role assignment and fallback.
    public var reference: StainMatrix

    public init(reference: StainMatrix = StainPresets.hDAB) { self.reference = reference }

    public static func isAuto(_ spec: String) -> Bool { spec.lowercased() == "auto" }

    public func resolve(_ spec: String, folder: String) throws -> StainChoice {
        if let preset = StainPresets.named(spec) { return StainChoice(matrix: preset.matrix, source: "preset:\(preset.name)") }
        // A manifest value is relative to the manifest's folder; a --stains value may also be relative
        // to the working directory.
        let inFolder = spec.hasPrefix("/") ? spec : URL(fileURLWithPath: folder).appendingPathComponent(spec).path
        for path in [inFolder, spec] where FileManager.default.fileExists(atPath: path) {
            return StainChoice(matrix: try StainMatrix.load(path), source: "file:\(spec)")
        }
        return StainChoice(matrix: try StainMatrix.resolve(spec), source: spec.contains(":") ? "text" : "preset:\(spec)")
    }

    /// Macenko estimate from pooled pixels.
    public func estimate(_ pooled: RGBImage) -> StainChoice {
        let e = StainEstimation.macenko([pooled], reference: reference)
        return StainChoice(matrix: e.matrix, source: e.usedFallback ? "auto:fallback" : "auto")
    }
}
