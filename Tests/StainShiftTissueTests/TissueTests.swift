import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
import StainShiftTestSupport

/// Tissue mask and tile QC on tiles with known layout.
@Suite struct TissueTests {
    @Test func halfGlassHalfTissue() {
        let tile = SynthTile.make(width: 256, height: 256, seed: 3, stromaH: 0.12)
        guard case .uint8(var s) = tile.image.samples else { return }
        for y in 0..<256 { for x in 128..<256 { for k in 0..<3 { s[3 * (y * 256 + x) + k] = 250 } } }
        let image = RGBImage(width: 256, height: 256, samples: .uint8(s), pixelSizeMicrons: 0.5)
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, background: nil)
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: 0.5)
        #expect(abs(tissue.fraction - 0.5) < 0.06, "tissue fraction \(tissue.fraction)")
        // Glass far from the edge is background, the tissue half is tissue.
        #expect(tissue.mask[128 * 256 + 220] == 0 && tissue.mask[128 * 256 + 40] == 1)
        #expect(TileQC.assess(image, planes: planes, tissue: tissue) == [])
    }

    @Test func blurredTileIsOutOfFocus() {
        let sharp = SynthTile.make(width: 256, height: 256, seed: 2, noise: 0)
        let planes = Deconvolution.deconvolve(sharp.image, matrix: StainPresets.hDAB, background: nil)
        let tissue = TissueMask(width: 256, height: 256, mask: [UInt8](repeating: 1, count: 256 * 256))
        #expect(!TileQC.assess(sharp.image, planes: planes, tissue: tissue).contains(.outOfFocus))
        // Box-blur the RGB image 9 x 9 (about 2 µm at 0.5 µm/px).
        guard case .uint8(let s) = sharp.image.samples else { return }
        var b = s
        for y in 0..<256 {
            for x in 0..<256 {
                for k in 0..<3 {
                    var sum = 0, n = 0
                    for yy in max(0, y - 4)...min(255, y + 4) { for xx in max(0, x - 4)...min(255, x + 4) { sum += Int(s[3 * (yy * 256 + xx) + k]); n += 1 } }
                    b[3 * (y * 256 + x) + k] = UInt8(sum / n)
                }
            }
        }
        let blurred = RGBImage(width: 256, height: 256, samples: .uint8(b), pixelSizeMicrons: 0.5)
        let bp = Deconvolution.deconvolve(blurred, matrix: StainPresets.hDAB, background: nil)
        #expect(TileQC.assess(blurred, planes: bp, tissue: tissue).contains(.outOfFocus))
    }
}
