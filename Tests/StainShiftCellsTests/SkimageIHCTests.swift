import Foundation
import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftCells

/// scikit-image's IHC sample (FHL2 in colon, 512 x 512): tissue, no QC flags, a plausible cell
/// population. With STAINSHIFT_CELLS_OVERLAY=DIR the detections are drawn to DIR for a person to look at.
@Suite struct SkimageIHCTests {
    @Test(.enabled(if: Validation.available)) func scoresWithoutFlags() throws {
        let image = try ImageReader.read(Validation.path("skimage-ihc.png"))
        let px = image.pixelSizeMicrons ?? 0.5
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, background: nil)
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: px)
        let flags = TileQC.assess(image, planes: planes, tissue: tissue)
        let seg = CellDetector.detect(planes, tissue: tissue, parameters: CellParameters(pixelSizeMicrons: px))
        print("skimage-ihc: tissue \(String(format: "%.2f", tissue.fraction)), flags \(flags), \(seg.cells.count) cells, \(seg.cells.filter { $0.cellClass == .lymphocyte }.count) lymphocytes")
        #expect(flags.isEmpty)
        #expect(tissue.fraction > 0.5)
        #expect(seg.cells.count > 100 && seg.cells.count < 2000)
        if let dir = ProcessInfo.processInfo.environment["STAINSHIFT_CELLS_OVERLAY"] {
            try Overlay.write(image, seg, to: dir + "/overlay-skimage-ihc.png")
        }
    }
}

/// Outline overlays for looking at detections: nucleus edges green (red when nucleus DAB mean >= 0.2,
/// cyan for lymphocytes), membrane ring outside the nucleus yellow.
enum Overlay {
    static func write(_ image: RGBImage, _ seg: CellSegmentation, to path: String) throws {
        guard case .uint8(var s) = image.samples else { return }
        let w = seg.width, h = seg.height
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let k = seg.nucleusLabels[i]
                if seg.membraneMask[i] != 0 && k == 0 { s[3 * i] = 255; s[3 * i + 1] = 220; s[3 * i + 2] = 0 }
                guard k != 0 else { continue }
                let edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || seg.nucleusLabels[i - 1] != k
                    || seg.nucleusLabels[i + 1] != k || seg.nucleusLabels[i - w] != k || seg.nucleusLabels[i + w] != k
                guard edge else { continue }
                let c = seg.cells[Int(k) - 1]
                let rgb: (UInt8, UInt8, UInt8) = c.cellClass == .lymphocyte ? (0, 255, 255)
                    : c.nucleus.dabMean >= 0.2 ? (255, 0, 0) : (0, 200, 0)
                s[3 * i] = rgb.0; s[3 * i + 1] = rgb.1; s[3 * i + 2] = rgb.2
            }
        }
        try ImageWriter.writePNG(RGBImage(width: w, height: h, samples: .uint8(s)), to: path)
    }
}
