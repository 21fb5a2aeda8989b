import Foundation
import Testing
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftScoring
@testable import StainShiftSynth

/// Whole-tile scoring (deconvolution, tissue, nuclei, cells, bins) against synthetic truth.
@Suite struct EndToEndTests {
    struct Outcome {
        var truthCells = 0, detectedCells = 0
        var truth = TileTotals(), got = TileTotals()
        var lymphocytesMatched = 0, lymphocytesRecognised = 0
    }

    /// Scores a synthetic tile and matches detected cells to painted ones by the truth nucleus under each centroid.
    static func run(_ marker: Marker, seed: UInt64, positive: Double, size: Int = 512) -> Outcome {
        var spec = TileSpec(marker: marker, width: size, height: size, positiveFraction: positive)
        spec.lymphocytePositiveFraction = positive / 2
        let (image, truth) = SyntheticTile.generate(spec, seed: seed)
        let analysis = TileScorer.analyse(image, name: "synthetic", marker: marker, settings: ScoringSettings())
        var o = Outcome()
        o.truthCells = truth.cells.count
        o.detectedCells = analysis.segmentation.cells.count
        o.truth = truth.totals(for: marker)
        o.got = analysis.score.totals
        for cell in analysis.segmentation.cells {
            let x = Int(cell.centroidX), y = Int(cell.centroidY)
            guard x >= 0, y >= 0, x < truth.width, y < truth.height else { continue }
            let l = Int(truth.nucleusLabels[y * truth.width + x])
            guard l > 0, truth.cells[l - 1].cellClass == .lymphocyte else { continue }
            o.lymphocytesMatched += 1
            if cell.cellClass == .lymphocyte { o.lymphocytesRecognised += 1 }
        }
        return o
    }

    static let cases: [(Marker, UInt64, Double)] = Marker.builtins.flatMap { m in
        [(m, UInt64(21), 0.15), (m, UInt64(22), 0.45), (m, UInt64(23), 0.75)]
    }

    @Test(arguments: cases)
    func cellCountsAndScoresMatchTruth(marker: Marker, seed: UInt64, positive: Double) {
        check(marker, seed: seed, positive: positive)
    }

    func check(_ marker: Marker, seed: UInt64, positive: Double) {
        let o = Self.run(marker, seed: seed, positive: positive)
        let label = "\(marker.name) seed \(seed)"
        // Nuclear markers are detected on the optical density sum at 0.15 OD, chosen on real tissue
        // (pale hematoxylin-only nuclei of the dev set). This generator paints cytoplasm with
        // 0.10-0.14 OD of hematoxylin, and some nucleus-sized patches of it pass as pale negative
        // nuclei (5-12% more cells, 2-5 points less positive). Higher thresholds or contrast checks
        // that remove them lose real pale nuclei (BCData Ki67 index error 12 -> 14-32 points), so the
        // generator does not set them: the nuclear tolerances are 15% and 5 points.
        let countTolerance = marker.nuclearStain ? 0.15 : 0.10, pointTolerance = marker.nuclearStain ? 5.0 : 3.0
        #expect(abs(Double(o.detectedCells - o.truthCells)) <= countTolerance * Double(o.truthCells),
                "\(label): \(o.detectedCells) cells detected, \(o.truthCells) painted")
        let t = marker.scoredCells(o.truth), g = marker.scoredCells(o.got)
        #expect(abs(g.percentPositive - t.percentPositive) <= pointTolerance,
                "\(label): percent positive \(g.percentPositive) vs \(t.percentPositive)")
        // H-score on the primary compartment (CRT's whole-cell H-score has no painted truth).
        #expect(abs(g.hScore - t.hScore) <= 15, "\(label): H-score \(g.hScore) vs \(t.hScore)")
        if marker.formulas.contains(.tps) {
            #expect(abs(o.got.tumour.percentPositive - o.truth.tumour.percentPositive) <= 3, "\(label): TPS")
        }
        if marker.secondary != nil {
            #expect(abs(o.got.tumourSecondary.percentPositive - o.truth.tumourSecondary.percentPositive) <= 3,
                    "\(label): \(marker.secondary?.rawValue ?? "") percent positive")
        }
    }

    @Test(arguments: Marker.builtins)
    func lymphocytesAreRecognised(marker: Marker) {
        var matched = 0, recognised = 0
        for seed in [UInt64(31), 32] {
            let o = Self.run(marker, seed: seed, positive: 0.4)
            matched += o.lymphocytesMatched; recognised += o.lymphocytesRecognised
        }
        #expect(matched > 40)
        #expect(Double(recognised) >= 0.85 * Double(matched), "\(marker.name): \(recognised) of \(matched) lymphocytes recognised")
    }
}


extension Marker: CustomTestStringConvertible {
    public var testDescription: String { name }
}

/// The per-image OD factor (`--od-scale auto`) is recorded with the score: a tile whose optical
/// densities are all halved (a paler scan) gets about twice the factor, and both score alike.
@Suite struct ODScaleRecordTests {
    @Test func paleScanGetsTwiceTheFactor() throws {
        let spec = TileSpec(marker: .ki67, width: 384, height: 384, positiveFraction: 0.4)
        let (image, _) = SyntheticTile.generate(spec, seed: 21)
        guard case .uint8(let rgb) = image.samples else { Issue.record("8-bit tile expected"); return }
        // Halving every OD: I = 255 * (I0 / 255)^0.5.
        let pale = RGBImage(width: image.width, height: image.height,
                            samples: .uint8(rgb.map { UInt8((255 * (Double($0) / 255).squareRoot()).rounded()) }))
        var auto = ScoringSettings()
        auto.odScale = nil   // --od-scale auto
        let a = TileScorer.analyse(image, name: "a", marker: .ki67, settings: auto).score
        let b = TileScorer.analyse(pale, name: "b", marker: .ki67, settings: auto).score
        let sa = try #require(a.odScale), sb = try #require(b.odScale)
        #expect(abs(sb / sa - 2) < 0.15, "\(sa) vs \(sb)")
        #expect(abs(a.totals.tumour.percentPositive - b.totals.tumour.percentPositive) < 5)
    }
}

/// `ScoringSettings.odScale` against synthetic truth. The image's own factor (auto) cannot tell a
/// pale counterstain from a dim scan: both lower hematoxylin. A fixed factor of 1 scores a pale
/// counterstain correctly; a dim scan needs the factor that undoes it (auto finds it).
@Suite struct FixedODScaleTests {
    static func score(_ image: RGBImage, _ marker: Marker, odScale: Double?) -> TileScore {
        var settings = ScoringSettings()
        settings.odScale = odScale
        return TileScorer.analyse(image, name: "t", marker: marker, settings: settings).score
    }

    /// A tile painted with hematoxylin's 99th percentile about 0.32 (as scikit-image's IHC image).
    static func paleTile(_ marker: Marker, seed: UInt64) -> (RGBImage, TileTruth) {
        var spec = TileSpec(marker: marker, width: 512, height: 512, positiveFraction: 0.3)
        spec.counterstain = 0.4
        return SyntheticTile.generate(spec, seed: seed)
    }

    @Test(arguments: [Marker.hla1, .ki67])
    func paleCounterstainScoresRightAtFactorOne(marker: Marker) throws {
        for seed in [UInt64(41), 42] {
            let (image, truth) = Self.paleTile(marker, seed: seed)
            let expected = marker.scoredCells(truth.totals(for: marker))
            let fixed = Self.score(image, marker, odScale: 1), auto = Self.score(image, marker, odScale: nil)
            let f = marker.scoredCells(fixed.totals)
            #expect(fixed.odScale == 1)
            #expect(try #require(auto.odScale) > 2, "seed \(seed): the image's factor reads the pale counterstain as a dim scan")
            #expect(abs(f.percentPositive - expected.percentPositive) <= 3,
                    "seed \(seed): factor 1 \(f.percentPositive) vs truth \(expected.percentPositive)")
            #expect(abs(f.hScore - expected.hScore) <= 15, "seed \(seed): H-score \(f.hScore) vs \(expected.hScore)")
        }
    }

    /// What the fixed factor is for: on a membrane marker (weak bin from 0.15 OD) the image's factor
    /// lifts faint DAB into the bins, 67-70% positive where 30% were painted.
    @Test func paleCounterstainOvercallsAMembraneMarkerUnderTheImagesFactor() {
        for seed in [UInt64(41), 42] {
            let (image, truth) = Self.paleTile(.hla1, seed: seed)
            let expected = Marker.hla1.scoredCells(truth.totals(for: .hla1)).percentPositive
            let auto = Marker.hla1.scoredCells(Self.score(image, .hla1, odScale: nil).totals).percentPositive
            #expect(auto > expected + 20, "seed \(seed): auto \(auto) vs truth \(expected)")
        }
    }

    @Test func dimScanNeedsTheFactorThatUndoesIt() {
        let spec = TileSpec(marker: .hla1, width: 512, height: 512, positiveFraction: 0.3)
        let (image, truth) = SyntheticTile.generate(spec, seed: 43)
        guard case .uint8(let rgb) = image.samples else { Issue.record("8-bit tile expected"); return }
        // Every OD halved, both stains: I = 255 * (I0 / 255)^0.5.
        let dim = RGBImage(width: image.width, height: image.height,
                           samples: .uint8(rgb.map { UInt8((255 * (Double($0) / 255).squareRoot()).rounded()) }))
        let expected = Marker.hla1.scoredCells(truth.totals(for: .hla1)).percentPositive
        let original = Marker.hla1.scoredCells(Self.score(image, .hla1, odScale: 1).totals).percentPositive
        let undone = Marker.hla1.scoredCells(Self.score(dim, .hla1, odScale: 2).totals).percentPositive
        let asScanned = Marker.hla1.scoredCells(Self.score(dim, .hla1, odScale: 1).totals).percentPositive
        #expect(abs(original - expected) <= 3, "original at factor 1: \(original) vs truth \(expected)")
        #expect(abs(undone - expected) <= 3, "dim scan at factor 2: \(undone) vs truth \(expected)")
        #expect(asScanned < expected - 5, "dim scan as scanned: \(asScanned) vs truth \(expected)")
    }
}
