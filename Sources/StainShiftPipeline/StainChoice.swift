import Foundation
import StainShiftImaging
import StainShiftStains

/// The stain matrix a slide is scored with, and where it came from.
public struct StainChoice: Sendable, Equatable {
    public var matrix: StainMatrix
    /// `preset:<name>`, `file:<path as written>` or `auto`.
    public var source: String

    public init(matrix: StainMatrix, source: String) { self.matrix = matrix; self.source = source }

    /// `hematoxylin 0.650000 0.704000 0.286000; dab ...; residual ...`: stable text for tables and cache keys.
    public var text: String {
        matrix.stains.map { s in
            "\(s.role.rawValue) " + [s.r, s.g, s.b].map { String(format: "%.6f", $0) }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}

/// Turns a `stains` setting (run default or manifest column) into a matrix.
public struct StainResolver: Sendable {
    /// Named matrices.
    public var presets: [String: StainMatrix]
    /// Reads a stain file (JSON); nil when files are not supported.
    public var readFile: (@Sendable (String) throws -> StainMatrix)?
    /// Estimates stains from pooled pixels of a slide (Macenko); nil when unavailable.
    public var estimate: (@Sendable (RGBImage) throws -> StainMatrix)?

    public init(presets: [String: StainMatrix] = ["h-dab": StainPresets.hDAB],
                readFile: (@Sendable (String) throws -> StainMatrix)? = nil,
                estimate: (@Sendable (RGBImage) throws -> StainMatrix)? = nil) {
        self.presets = presets; self.readFile = readFile; self.estimate = estimate
    }

    public static func isAuto(_ spec: String) -> Bool { spec.lowercased() == "auto" }

    /// A preset or a file (relative to `folder`); `auto` is handled by the batch runner.
    public func resolve(_ spec: String, folder: String) throws -> StainChoice {
        if let m = presets[spec.lowercased()] { return StainChoice(matrix: m, source: "preset:\(spec.lowercased())") }
        guard let readFile else {
            throw PipelineError(path: spec, reason: "unknown stains (known: \(presets.keys.sorted().joined(separator: ", ")), auto)")
        }
        let path = spec.hasPrefix("/") ? spec : URL(fileURLWithPath: folder).appendingPathComponent(spec).path
        return StainChoice(matrix: try readFile(path), source: "file:\(spec)")
    }
}
