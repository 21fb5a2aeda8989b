import Foundation
import StainShiftImaging
import StainShiftStains

/// The shared real-image folder (`../shared/validation` next to the package), when present.
enum Validation {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/validation")
    static var available: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("README.md").path) }
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// QuPath 0.3.2's stain vectors for the OS-2 run (README of the validation folder).
    static let qupathHDAB: StainMatrix? = try? StainMatrix(
        StainVector(role: .hematoxylin, r: 0.65111, g: 0.70119, b: 0.29049),
        StainVector(role: .dab, r: 0.26917, g: 0.56824, b: 0.77759))

    /// One QuPath result row: scan, detection threshold, DAB threshold -> (cells, positive %).
    struct QuPathRow { let name: String; let detection: Double; let dab: Double; let cells: Int; let positive: Double }

    static func qupathResults(_ name: String) -> [QuPathRow] {
        guard let text = try? String(contentsOfFile: path("\(name).qupath-results.tsv"), encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 5, let d = Double(f[1]), let b = Double(f[2]), let c = Int(f[3]), let p = Double(f[4]) else { return nil }
            return QuPathRow(name: f[0], detection: d, dab: b, cells: c, positive: p)
        }
    }
}
