import Foundation
import Testing
import StainShiftFoundation
import StainShiftImaging
import StainShiftStains
@testable import StainShiftCells

/// Real Ki67 images (`../shared/validation/OS-2-*.ome.tif`) against QuPath 0.3.2's recorded results:
/// with `CellParameters.qupath03`, cell count within 15% and percent positive (nucleus DAB OD mean
/// >= threshold) within 3 points, both scans, both DAB thresholds, detection thresholds 0.2 and 0.4.
@Suite(.serialized) struct QuPathAgreementTests {
    static let scans = [("OS-2-ndpi", 0.227), ("OS-2-vsi", 0.346)]

    /// Reads a validation image; nil (with a known issue recorded) while TIFF reading is missing.
    static func load(_ name: String) throws -> RGBImage? {
        let result = Result { () throws(FileError) -> RGBImage in
            try ImageReader.read(Validation.path("\(name).ome.tif"))
        }
        switch result {
        case .success(let image): return image
        case .failure(let error):
            guard error.reason.contains("not available") else { throw error }
            withKnownIssue("ImageReader cannot read the OS-2 OME-TIFFs yet (imaging branch)") {
                Issue.record("\(error)")
            }
            return nil
        }
    }

    @Test(.enabled(if: Validation.available), arguments: scans)
    func matchesQuPath(scan: (String, Double)) throws {
        let (name, fallbackPixelSize) = scan
        guard let image = try Self.load(name) else { return }
        let px = image.pixelSizeMicrons ?? fallbackPixelSize
        #expect(abs(px - fallbackPixelSize) < 0.005, "pixel size from the file: \(px)")
        let planes = Deconvolution.deconvolve(image, matrix: try #require(Validation.qupathHDAB), background: 255)
        let rows = Validation.qupathResults(name)
        #expect(rows.count == 4)
        for detection in [0.2, 0.4] {
            let seg = CellDetector.detect(planes, tissue: nil,
                                          parameters: .qupath03(pixelSizeMicrons: px, detectionThreshold: detection))
            let n = seg.cells.count
            for row in rows where row.detection == detection {
                let positive = Double(seg.cells.filter { Double($0.nucleus.dabMean) >= row.dab }.count) * 100 / Double(max(n, 1))
                print("QuPath agreement \(name) detection \(detection) DAB \(row.dab): cells \(n) vs \(row.cells), positive \(String(format: "%.1f", positive))% vs \(String(format: "%.1f", row.positive))%")
                #expect(abs(Double(n - row.cells)) <= 0.15 * Double(row.cells), "\(name) det \(detection): \(n) cells vs QuPath \(row.cells)")
                #expect(abs(positive - row.positive) <= 3, "\(name) det \(detection) DAB \(row.dab): \(positive)% vs QuPath \(row.positive)%")
            }
        }
    }
}
