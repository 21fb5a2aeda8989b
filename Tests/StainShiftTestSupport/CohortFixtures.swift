import Foundation
import StainShiftCohort
import StainShiftScoring

/// A scratch folder with a few image files (content does not matter to the manifest).
public struct Scratch: Sendable {
    public let url: URL
    public init(files: [String] = []) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("stainshift-cohort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for f in files {
            let u = url.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: u)
        }
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8); return path(name)
    }
}

/// The marker names the cohort and pipeline tests' manifests know.
public let markers: Set<String> = ["pdl1", "hla1", "crt", "hmgb1", "ki67"]

/// Percent positive and H-score of tumour cells: enough of a marker for the cohort maths.
public let simpleScores: MarkerScoring = { _, t in
    [MarkerScore(name: "tps", value: t.tumour.percentPositive), MarkerScore(name: "hscore", value: t.tumour.hScore)]
}
