import StainShiftFoundation
import Foundation
import Testing
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftScoring
@testable import StainShiftSynth

/// Tiles with nothing to score give valid, flagged results: no crash, no NaN.
@Suite struct TileScorerEdgeTests {
    func check(_ image: RGBImage, _ marker: Marker = .pdl1, expect flags: Set<QCFlag>) {
        let a = TileScorer.analyse(image, name: "edge", marker: marker, settings: ScoringSettings())
        #expect(flags.isSubset(of: Set(a.score.qcFlags)), "\(a.score.qcFlags)")
        #expect(a.score.qcFlags.contains(.tooFewCells))
        for s in a.scores { #expect(s.value.isFinite, "\(s.name)") }
        let json = ScoreJSON.render(a.score, marker: marker)
        #expect(!json.lowercased().contains("nan"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil)
        _ = CellTable.tsv(a)
        if image.pixelCount > 0 {
            let overlay = ScoreOverlay.render(image, analysis: a)
            #expect(overlay.width == image.width && overlay.height == image.height)
        }
    }

    @Test func whiteTile() { check(RGBImage(width: 64, height: 64, filling: (255, 255, 255)), expect: [.lowTissue]) }

    @Test func glassOnlySyntheticTile() {
        var spec = TileSpec(marker: .ki67, width: 96, height: 96)
        spec.tissueFraction = 0
        check(SyntheticTile.generate(spec, seed: 2).image, .ki67, expect: [.lowTissue])
    }

    @Test func tissueWithoutNuclei() {
        // Uniform pale brown stroma: tissue, DAB-positive pixels, no nuclei.
        check(RGBImage(width: 80, height: 80, filling: (200, 170, 150)), .hla1, expect: [])
    }

    @Test func saturatedTile() { check(RGBImage(width: 64, height: 64, filling: (0, 0, 0)), .crt, expect: [.saturated]) }

    @Test func onePixelAndEmptyImages() {
        check(RGBImage(width: 1, height: 1, filling: (120, 80, 60)), .hmgb1, expect: [])
        check(RGBImage(width: 0, height: 0, samples: .uint8([])), .pdl1, expect: [])
    }

    @Test func sixteenBitTileScores() {
        let (image, _) = SyntheticTile.generate(TileSpec(marker: .ki67, width: 128, height: 128), seed: 4)
        guard case .uint8(let s) = image.samples else { Issue.record("synthetic tiles are 8-bit"); return }
        let wide = RGBImage(width: 128, height: 128, samples: .uint16(s.map { UInt16($0) * 257 }),
                            pixelSizeMicrons: image.pixelSizeMicrons)
        let a = TileScorer.score(image, name: "8", marker: .ki67, settings: ScoringSettings())
        let b = TileScorer.score(wide, name: "16", marker: .ki67, settings: ScoringSettings())
        #expect(a.totals.cellsTotal > 0)
        #expect(abs(a.totals.cellsTotal - b.totals.cellsTotal) <= max(2, a.totals.cellsTotal / 20))
    }
}

/// Tiles sum into slides: scoring two tiles and adding their totals equals scoring them side by side.
@Suite struct AdditivityTests {
    static func pair() -> (RGBImage, TileTruth, RGBImage, TileTruth, RGBImage) {
        var spec = TileSpec(marker: .pdl1, width: 192, height: 192)
        spec.tissueFraction = 1
        spec.marginMicrons = 9  // nuclei and their 5 µm cells stay off the seam
        let a = SyntheticTile.generate(spec, seed: 41), b = SyntheticTile.generate(spec, seed: 42)
        return (a.image, a.truth, b.image, b.truth, concat(a.image, b.image))
    }

    static func concat(_ a: RGBImage, _ b: RGBImage) -> RGBImage {
        guard case .uint8(let sa) = a.samples, case .uint8(let sb) = b.samples, a.height == b.height else {
            return a
        }
        let w = a.width + b.width
        var out = [UInt8](repeating: 0, count: 3 * w * a.height)
        for y in 0..<a.height {
            out.replaceSubrange((3 * y * w)..<(3 * y * w + 3 * a.width), with: sa[(3 * y * a.width)..<(3 * (y + 1) * a.width)])
            out.replaceSubrange((3 * y * w + 3 * a.width)..<(3 * (y + 1) * w), with: sb[(3 * y * b.width)..<(3 * (y + 1) * b.width)])
        }
        return RGBImage(width: w, height: a.height, samples: .uint8(out), pixelSizeMicrons: a.pixelSizeMicrons)
    }

    /// Truth label maps of two tiles side by side (labels of the right tile shifted).
    static func concat(_ a: TileTruth, _ b: TileTruth, planes: StainPlanes) -> CellSegmentation {
        let w = a.width + b.width, h = a.height, shift = Int32(a.cells.count)
        var joined = a
        joined.width = w
        joined.nucleusLabels = [Int32](repeating: 0, count: w * h)
        joined.cellLabels = joined.nucleusLabels
        joined.membraneMask = [UInt8](repeating: 0, count: w * h)
        joined.tissueMask = joined.membraneMask
        for y in 0..<h {
            for x in 0..<w {
                let (t, xx, s) = x < a.width ? (a, x, Int32(0)) : (b, x - a.width, shift)
                let i = y * t.width + xx
                joined.nucleusLabels[y * w + x] = t.nucleusLabels[i] == 0 ? 0 : t.nucleusLabels[i] + s
                joined.cellLabels[y * w + x] = t.cellLabels[i] == 0 ? 0 : t.cellLabels[i] + s
                joined.membraneMask[y * w + x] = t.membraneMask[i]
                joined.tissueMask[y * w + x] = t.tissueMask[i]
            }
        }
        joined.cells = a.cells + b.cells.map { var c = $0; c.label += shift; c.centroidX += Double(a.width); return c }
        return joined.segmentation(measuring: planes)
    }

    func scored(_ image: RGBImage, _ seg: CellSegmentation, tissue: [UInt8]) -> TileTotals {
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
        return TileScorer.assemble(name: "t", marker: .pdl1, planes: planes,
                                   tissue: TissueMask(width: image.width, height: image.height, mask: tissue),
                                   segmentation: seg, qcFlags: [], pixelSizeMicrons: 0.5, settings: ScoringSettings()).score.totals
    }

    @Test func scoringLayerIsExactlyAdditive() {
        let (ia, ta, ib, tb, joined) = Self.pair()
        let pa = Deconvolution.deconvolve(ia, matrix: StainPresets.hDAB), pb = Deconvolution.deconvolve(ib, matrix: StainPresets.hDAB)
        let pj = Deconvolution.deconvolve(joined, matrix: StainPresets.hDAB)
        let sum = scored(ia, ta.segmentation(measuring: pa), tissue: ta.tissueMask)
            + scored(ib, tb.segmentation(measuring: pb), tissue: tb.tissueMask)
        let seg = Self.concat(ta, tb, planes: pj)
        let whole = scored(joined, seg, tissue: seg.cellLabels.indices.map { _ in 1 })
        #expect(whole.tumour == sum.tumour)
        #expect(whole.lymphocytes == sum.lymphocytes)
        #expect(whole.pixels == sum.pixels)
        #expect(whole.tumour.total > 25)
        #expect(abs(whole.pixelDABSum - sum.pixelDABSum) < 1e-6 * max(1, sum.pixelDABSum))
        #expect(Marker.pdl1.scores(whole).map(\.name) == Marker.pdl1.scores(sum).map(\.name))
        #expect(sum.tiles == 2 && whole.tiles == 1)
    }

    @Test func wholePipelineIsAdditiveUpToSeamEffects() {
        let (ia, _, ib, _, joined) = Self.pair()
        let s = ScoringSettings()
        let sum = TileScorer.score(ia, name: "a", marker: .pdl1, settings: s).totals
            + TileScorer.score(ib, name: "b", marker: .pdl1, settings: s).totals
        let whole = TileScorer.score(joined, name: "ab", marker: .pdl1, settings: s).totals
        // Detection thresholds are chosen per image, so allow a few cells to differ.
        #expect(abs(whole.cellsTotal - sum.cellsTotal) <= max(3, sum.cellsTotal / 50))
        #expect(abs(Marker.pdl1.scoredCells(whole).percentPositive - Marker.pdl1.scoredCells(sum).percentPositive) <= 2)
        #expect(abs(whole.tissuePixels - sum.tissuePixels) <= sum.tissuePixels / 100)
    }
}

/// `--threads 1` (a tile per core): the scorer runs every kernel on the calling thread, gives the
/// same score as with all cores (and as with 2), and leaves the thread's limit as it found it.
@Suite struct SingleThreadScoringTests {
    @Test func oneThreadGivesTheSameScoreAndRestoresTheMode() {
        var spec = TileSpec(marker: .pdl1, width: 256, height: 256)
        spec.positiveFraction = 0.35
        let (image, _) = SyntheticTile.generate(spec, seed: 7)
        var one = ScoringSettings(), all = ScoringSettings()
        one.threads = 1
        #expect(!Parallel.isSerial)
        let serial = TileScorer.score(image, name: "t", marker: .pdl1, settings: one)
        #expect(!Parallel.isSerial)
        let parallel = TileScorer.score(image, name: "t", marker: .pdl1, settings: all)
        #expect(serial == parallel)
        var two = ScoringSettings()
        two.threads = 2
        #expect(TileScorer.score(image, name: "t", marker: .pdl1, settings: two) == parallel)
        #expect(Parallel.threadLimit == nil)
        // Inside a batch worker's serial section the mode stays on afterwards.
        Parallel.serially {
            _ = TileScorer.score(image, name: "t", marker: .pdl1, settings: all)
            #expect(Parallel.isSerial)
        }
    }
}
