import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftCells
import StainShiftTestSupport

/// Degenerate tiles: valid results, QC flags, no crash and no division by zero.
@Suite struct EdgeCaseTests {
    static func run(_ image: RGBImage) -> (TissueMask, [QCFlag], CellSegmentation) {
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, background: nil)
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: 0.5)
        let flags = TileQC.assess(image, planes: planes, tissue: tissue)
        var p = CellParameters(pixelSizeMicrons: 0.5)
        p.channel = .hematoxylinPlusDAB
        let seg = CellDetector.detect(planes, tissue: tissue, parameters: p)
        let segNoTissue = CellDetector.detect(planes, tissue: nil, parameters: .qupath03(pixelSizeMicrons: 0.5))
        #expect(seg.nucleusLabels.count == image.pixelCount && seg.cellLabels.count == image.pixelCount
                && seg.membraneMask.count == image.pixelCount && segNoTissue.nucleusLabels.count == image.pixelCount)
        for c in seg.cells + segNoTissue.cells {
            for s in [c.nucleus, c.cytoplasm, c.membrane, c.wholeCell] {
                #expect(s.hematoxylinMean.isFinite && s.dabMean.isFinite && s.hematoxylinMax.isFinite && s.dabMax.isFinite)
            }
            #expect(c.centroidX.isFinite && c.centroidY.isFinite && c.nucleusCircularity.isFinite)
        }
        return (tissue, flags, seg)
    }

    @Test func whiteTileHasNoCellsAndLittleTissue() {
        let (tissue, flags, seg) = Self.run(RGBImage(width: 256, height: 256, filling: (255, 255, 255)))
        #expect(tissue.areaPixels == 0 && tissue.fraction == 0)
        #expect(seg.cells.isEmpty)
        #expect(flags == [.lowTissue])
    }

    @Test func uniformBackgroundHasNoCells() {
        let (_, _, seg) = Self.run(RGBImage(width: 200, height: 150, filling: (215, 205, 220)))
        #expect(seg.cells.isEmpty)
    }

    @Test func blackTileIsSaturated() {
        let (_, flags, seg) = Self.run(RGBImage(width: 128, height: 128, filling: (0, 0, 0)))
        #expect(flags.contains(.saturated))
        #expect(seg.cells.isEmpty)
    }

    @Test func tinyImagesDoNotCrash() {
        for (w, h) in [(1, 1), (0, 0), (1, 7), (7, 1), (3, 3)] {
            let (tissue, flags, seg) = Self.run(RGBImage(width: w, height: h, filling: (120, 80, 160)))
            #expect(tissue.width == w && tissue.height == h)
            #expect(flags.contains(.lowTissue) || w * h > 0)
            #expect(seg.cells.count <= 1)
        }
    }

    @Test func sixteenBitTilesWork() {
        let tile = SynthTile.make(width: 128, height: 128, seed: 5)
        guard case .uint8(let s) = tile.image.samples else { return }
        let wide = RGBImage(width: 128, height: 128, samples: .uint16(s.map { UInt16($0) * 257 }), pixelSizeMicrons: 0.5)
        let (_, _, seg8) = Self.run(tile.image)
        let (_, _, seg16) = Self.run(wide)
        #expect(seg8.cells.count > 5)
        #expect(abs(seg8.cells.count - seg16.cells.count) <= 1)
    }
}
