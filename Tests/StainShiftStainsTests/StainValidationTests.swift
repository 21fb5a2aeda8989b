import Foundation
import Testing
import StainShiftImaging
@testable import StainShiftStains

/// The real IHC images in `shared/validation` (skipped when the folder is absent).
enum Validation {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/validation")
    static var available: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("README.md").path) }
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

@Suite(.enabled(if: Validation.available)) struct StainValidationTests {
    /// The Olympus scan's glass is grey (about 216) while the Hamamatsu scan's is near 225-235:
    /// the fixed white of 255 would add a scanner-dependent OD offset of 0.07 or more.
    @Test func backgroundDiffersBetweenScanners() throws {
        let vsi = try ImageReader.read(Validation.path("OS-2-vsi.ome.tif"))
        let ndpi = try ImageReader.read(Validation.path("OS-2-ndpi.ome.tif"))
        let a = BackgroundEstimator.estimate(vsi), b = BackgroundEstimator.estimate(ndpi)
        #expect(a.warning == nil && b.warning == nil)
        #expect(a.whitePoint.components.allSatisfy { (205...225).contains($0) }, "\(a.whitePoint)")
        #expect(b.whitePoint.components.allSatisfy { (220...245).contains($0) }, "\(b.whitePoint)")
    }

    /// Macenko on real H-DAB tissue: an estimate, not a fallback, with hematoxylin and DAB named by
    /// closeness to Ruifrok & Johnston's vectors, each within 20 degrees of them.
    @Test(arguments: ["OS-2-vsi.ome.tif", "OS-2-ndpi.ome.tif", "skimage-ihc.png"])
    func macenkoOnRealTissue(file: String) throws {
        let image = try ImageReader.read(Validation.path(file))
        let white = BackgroundEstimator.estimate(image).whitePoint
        let estimate = StainEstimation.macenko([image], whitePoint: white)
        #expect(!estimate.usedFallback)
        #expect(estimate.confidence > 0.5, "\(estimate.confidence)")
        #expect(estimate.driftDegrees.values.allSatisfy { $0 < 20 }, "\(estimate.driftDegrees)")
    }
}
