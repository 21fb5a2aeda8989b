import Foundation
import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftCells
import StainShiftTestSupport

/// Compartment statistics on a constructed cell: a hematoxylin nucleus of radius 5 µm whose cell
/// (5 µm expansion) has a DAB ring on its outer 1 µm.
@Suite struct CompartmentTests {
    static func ringCell(size: Int = 64) -> RGBImage {
        let c = Double(size) / 2
        var s = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            for x in 0..<size {
                let r = ((Double(x) + 0.5 - c) * (Double(x) + 0.5 - c) + (Double(y) + 0.5 - c) * (Double(y) + 0.5 - c)).squareRoot()
                let h = r <= 10 ? 0.6 : 0.03
                let d = r > 18 && r <= 20 ? 0.6 : 0.0
                let od = [0.650 * h + 0.268 * d, 0.704 * h + 0.570 * d, 0.286 * h + 0.776 * d]
                for k in 0..<3 { s[3 * (y * size + x) + k] = UInt8(max(0, min(255, (255 * pow(10, -od[k])).rounded()))) }
            }
        }
        return RGBImage(width: size, height: size, samples: .uint8(s), pixelSizeMicrons: 0.5)
    }

    @Test func membraneRingIsMeasuredAsMembrane() throws {
        let image = Self.ringCell()
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, background: nil)
        var p = CellParameters(pixelSizeMicrons: 0.5)
        p.normaliseStains = false
        let seg = CellDetector.detect(planes, tissue: nil, parameters: p)
        try #require(seg.cells.count == 1)
        let cell = seg.cells[0]
        #expect(abs(cell.centroidX - 32) < 1 && abs(cell.centroidY - 32) < 1)
        #expect(abs(Double(cell.nucleusAreaPixels) - Double.pi * 100) < 0.15 * Double.pi * 100, "nucleus area \(cell.nucleusAreaPixels)")
        #expect(cell.nucleusCircularity > 0.85)
        #expect(abs(cell.nucleus.hematoxylinMean - 0.6) < 0.1)
        #expect(cell.nucleus.dabMean < 0.05)
        #expect(cell.nucleus.pixelCount + cell.cytoplasm.pixelCount == cell.wholeCell.pixelCount)
        #expect(cell.cellAreaPixels == cell.wholeCell.pixelCount)
        #expect(cell.membrane.pixelCount > 0 && cell.membrane.pixelCount < cell.cytoplasm.pixelCount)
        #expect(cell.membrane.dabMean > 0.4, "membrane DAB \(cell.membrane.dabMean)")
        #expect(cell.membrane.dabMean > 2.5 * cell.cytoplasm.dabMean, "membrane \(cell.membrane.dabMean) vs cytoplasm \(cell.cytoplasm.dabMean)")
        #expect(cell.membrane.dabMax >= cell.membrane.dabMean && cell.wholeCell.dabMax >= cell.membrane.dabMax)
        // Membrane pixels lie in their cell, outside the nucleus.
        for i in seg.membraneMask.indices where seg.membraneMask[i] != 0 {
            #expect(seg.cellLabels[i] == cell.label && seg.nucleusLabels[i] == 0)
        }
    }

    @Test func withoutExpansionTheMembraneIsTheNucleusRing() throws {
        let planes = Deconvolution.deconvolve(Self.ringCell(), matrix: StainPresets.hDAB, background: nil)
        var p = CellParameters(pixelSizeMicrons: 0.5)
        p.cellExpansionMicrons = 0
        let seg = CellDetector.detect(planes, tissue: nil, parameters: p)
        let cell = try #require(seg.cells.first)
        #expect(seg.cellLabels == seg.nucleusLabels)
        #expect(cell.cytoplasm.pixelCount == 0)
        #expect(cell.membrane.pixelCount > 0 && cell.membrane.pixelCount < cell.nucleus.pixelCount)
    }

    @Test func neighbouringCellsDoNotOverlap() {
        let tile = SynthTile.make(width: 256, height: 256, seed: 9)
        let planes = Deconvolution.deconvolve(tile.image, matrix: StainPresets.hDAB, background: nil)
        let seg = CellDetector.detect(planes, tissue: nil, parameters: CellParameters(pixelSizeMicrons: 0.5))
        // Every nucleus pixel carries its own cell's label; cells are at most 5 µm (10 px) beyond a nucleus.
        for i in seg.nucleusLabels.indices where seg.nucleusLabels[i] != 0 { #expect(seg.cellLabels[i] == seg.nucleusLabels[i]) }
        let counted = seg.cells.reduce(0) { $0 + $1.wholeCell.pixelCount }
        #expect(counted == seg.cellLabels.filter { $0 != 0 }.count)
    }

    @Test func normalisationScaleFollowsTheScannersOD() throws {
        let tile = SynthTile.make(width: 128, height: 128, seed: 4)
        let planes = Deconvolution.deconvolve(tile.image, matrix: StainPresets.hDAB)
        let s = try #require(ODNormalisation.scale(planes, tissue: nil))
        var dark = planes
        for i in dark.values.indices { dark.values[i] *= 2 }   // a scanner with twice the OD
        let s2 = try #require(ODNormalisation.scale(dark, tissue: nil))
        #expect(abs(s2 * 2 - s) < 0.01 * s)
        // Measurements come out the same on both "scans" with the per-image factor on (--od-scale auto).
        var normalised = CellParameters(pixelSizeMicrons: 0.5)
        normalised.normaliseStains = true
        let a = CellDetector.detect(planes, tissue: nil, parameters: normalised)
        let b = CellDetector.detect(dark, tissue: nil, parameters: normalised)
        #expect(a.cells.count == b.cells.count && a.cells.count > 5)
        #expect(abs(a.odScale - s) < 1e-6 && abs(b.odScale - s2) < 1e-6)
        for (x, y) in zip(a.cells, b.cells) { #expect(abs(x.nucleus.dabMean - y.nucleus.dabMean) < 0.02) }
        #expect(ODNormalisation.scale(Deconvolution.deconvolve(RGBImage(width: 64, height: 64, filling: (255, 255, 255)),
                                                               matrix: StainPresets.hDAB), tissue: nil) == nil)
    }
}
