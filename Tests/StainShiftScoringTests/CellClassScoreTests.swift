import Foundation
import Testing
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftScoring
@testable import StainShiftSynth

/// Test-only classifier: every cell whose nucleus is larger than `stromaAboveMicrons2` is stroma,
/// every small one an immune cell, the rest tumour.
struct AreaClassifier: CellClassifying {
    var stromaAboveMicrons2: Double
    var immuneBelowMicrons2: Double = 0
    var classNames: [String] { ["Tumor", "Immune cells", "Stroma"] }
    var roles: [CellClass] { [.tumour, .lymphocyte, .stroma] }
    func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        segmentation.cells.map { c in
            let a = Double(c.nucleusAreaPixels) * pixelSizeMicrons * pixelSizeMicrons
            return a > stromaAboveMicrons2 ? 2 : a < immuneBelowMicrons2 ? 1 : 0
        }
    }
}

/// Test-only classifier on a synthetic tile's truth label maps: a cell's painted class, except that
/// every tumour cell with a label divisible by `stromaEvery` is called stroma. Classes are then
/// known exactly, apart from detection.
struct TruthClassifier: CellClassifying {
    var truth: TileTruth
    var stromaEvery: Int32 = 3
    var classNames: [String] { ["Tumor", "Lymphocyte", "Stroma"] }
    var roles: [CellClass] { [.tumour, .lymphocyte, .stroma] }
    func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        segmentation.cells.map { role(ofLabel: $0.label) }
    }
    func role(ofLabel l: Int32) -> Int {
        guard l > 0, Int(l) <= truth.cells.count else { return 0 }
        if truth.cells[Int(l) - 1].cellClass == .lymphocyte { return 1 }
        return l % stromaEvery == 0 ? 2 : 0
    }
}

/// A classifier that answers out of range and too short: its cells must become `Unclassified`.
struct BrokenClassifier: CellClassifying {
    var classNames: [String] { ["Tumor"] }
    var roles: [CellClass] { [.tumour] }
    func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        segmentation.cells.count > 1 ? [7] : []
    }
}

/// Scores that use cell classes (issue 17): classes through scoring, TPS over tumour cells, CPS with
/// immune cells and its cap, SP142's IC, guide categories at their boundaries, the insufficient flag,
/// and classes in the JSON, cells table and GeoJSON.
@Suite struct CellClassScoreTests {
    /// A synthetic PD-L1 tile scored on its truth cells, classed by `TruthClassifier`.
    static func truthScored(seed: UInt64, positive: Double, lymphocytePositive: Double, size: Int = 320)
        -> (analysis: TileAnalysis, truth: TileTruth, classifier: TruthClassifier) {
        var spec = TileSpec(marker: .pdl1, width: size, height: size, positiveFraction: positive)
        spec.lymphocyteFraction = 0.25
        spec.lymphocytePositiveFraction = lymphocytePositive
        let (image, truth) = SyntheticTile.generate(spec, seed: seed)
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
        let tissue = TissueMask(width: truth.width, height: truth.height, mask: truth.tissueMask)
        var seg = truth.segmentation(measuring: planes)
        let classifier = TruthClassifier(truth: truth)
        let classes = CellClassAssignment.apply(classifier, to: &seg, planes: planes, pixelSizeMicrons: 0.5)
        // Positivity on the marker's own cut, 2+ / 3+ at QuPath's 0.4 / 0.6 (as SyntheticTileTests).
        var marker = Marker.pdl1
        marker.thresholds = IntensityThresholds(weak: marker.thresholds.weak, moderate: 0.4, strong: 0.6)
        let a = TileScorer.assemble(name: "t", marker: marker, planes: planes, tissue: tissue, segmentation: seg,
                                    qcFlags: [], pixelSizeMicrons: 0.5, settings: ScoringSettings(), classes: classes)
        return (a, truth, classifier)
    }

    /// TPS, CPS and IC as the painted truth gives them: tumour cells are the painted tumour cells
    /// minus those the classifier calls stroma; IC's area is the truth label map's.
    static func truthScores(_ truth: TileTruth, _ classifier: TruthClassifier) -> (tps: Double, cps: Double, ic: Double, tumour: Int) {
        var tumour = 0, tumourPos = 0, immunePos = 0
        var positiveImmune = Set<Int32>()
        for c in truth.cells {
            switch classifier.role(ofLabel: c.label) {
            case 0: tumour += 1; if c.positive { tumourPos += 1 }
            case 1: if c.positive { immunePos += 1; positiveImmune.insert(c.label) }
            default: break
            }
        }
        let area = truth.cellLabels.reduce(0) { $0 + (positiveImmune.contains($1) ? 1 : 0) }
        let tissue = truth.tissueMask.reduce(0) { $0 + Int($1) }
        return (100 * Double(tumourPos) / Double(tumour), min(100, 100 * Double(tumourPos + immunePos) / Double(tumour)),
                100 * Double(area) / Double(tissue), tumour)
    }

    @Test(arguments: [(UInt64(1), 0.1, 0.3), (2, 0.45, 0.6), (3, 0.8, 0.9)])
    func tpsCpsAndICMatchTheTruthOnKnownClasses(seed: UInt64, positive: Double, lymphocytePositive: Double) throws {
        let (a, truth, classifier) = Self.truthScored(seed: seed, positive: positive, lymphocytePositive: lymphocytePositive)
        let t = a.score.totals
        let want = Self.truthScores(truth, classifier)
        // Classes are exact (the truth's cells, classed by their labels).
        #expect(t.tumour.total == want.tumour, "seed \(seed): stroma must leave TPS's denominator")
        #expect(t.classes["Stroma"]?.bins.total == truth.cells.filter { classifier.role(ofLabel: $0.label) == 2 }.count)
        #expect(t.cells(ofRole: .stroma).total > 0)
        // Positivity is measured on the pixels: within 3 points of the painted bins (SyntheticTileTests' tolerance),
        // CPS within 3 points plus the immune cells' share, IC within 0.5 points or 10%.
        let tps = try #require(a.marker.score(named: "tps", t)), cps = try #require(a.marker.score(named: "cps", t))
        let ic = try #require(a.marker.score(named: "ic_score", t))
        #expect(abs(tps - want.tps) <= 3, "seed \(seed): TPS \(tps) vs truth \(want.tps)")
        #expect(abs(cps - want.cps) <= 4, "seed \(seed): CPS \(cps) vs truth \(want.cps)")
        #expect(abs(ic - want.ic) <= max(0.5, 0.1 * want.ic), "seed \(seed): IC \(ic) vs truth \(want.ic)")
        #expect(ic > 0)
    }

    @Test func stromaCountsInNoScoreAndTheMorphologyRuleKeepsTheTumourCells() throws {
        let (a, _, _) = Self.truthScored(seed: 2, positive: 0.45, lymphocytePositive: 0.6)
        let t = a.score.totals
        // The same tile with the truth classes but no stroma call: TPS's denominator grows by the stroma cells.
        var all = t
        all.tumour = t.tumour + t.cells(ofRole: .stroma)
        #expect(all.tumour.total == t.tumour.total + t.classes["Stroma", default: ClassTally(role: .stroma)].bins.total)
        // The role counts agree with the bins by role.
        #expect(t.cells(ofRole: .tumour) == t.tumour)
        #expect(t.cells(ofRole: .lymphocyte) == t.lymphocytes)
    }

    // MARK: formulas on exact totals

    static func totals(tumour: Int, tumourPositive: Int, immune: Int = 0, immunePositive: Int = 0,
                       stroma: Int = 0, immuneArea: Int = 0, tissue: Int = 1000) -> TileTotals {
        var t = TileTotals()
        t.tiles = 1
        t.tissuePixels = tissue
        t.imagePixels = tissue
        t.tumour = BinCounts(negative: tumour - tumourPositive, weak: tumourPositive)
        t.lymphocytes = BinCounts(negative: immune - immunePositive, moderate: immunePositive)
        var tc = ClassTally(role: .tumour); tc.bins = t.tumour
        var ic = ClassTally(role: .lymphocyte); ic.bins = t.lymphocytes; ic.positiveCellPixels = immuneArea
        var sc = ClassTally(role: .stroma); sc.bins = BinCounts(negative: stroma)
        t.classes = ["Tumor": tc, "Immune cells": ic, "Stroma": sc]
        return t
    }

    @Test func cpsCountsImmuneCellsAndIsCappedAt100() throws {
        let m = Marker.pdl1
        // 30 + 20 positive over 200 tumour cells: 25; stroma (500 cells) changes nothing.
        #expect(m.score(named: "cps", Self.totals(tumour: 200, tumourPositive: 30, immune: 50, immunePositive: 20, stroma: 500)) == 25)
        #expect(m.score(named: "tps", Self.totals(tumour: 200, tumourPositive: 30, stroma: 500)) == 15)
        // 90 positive tumour + 40 positive immune over 100 tumour cells: 130, capped at 100.
        #expect(m.score(named: "cps", Self.totals(tumour: 100, tumourPositive: 90, immune: 40, immunePositive: 40)) == 100)
        #expect(m.score(named: "cps", Self.totals(tumour: 0, tumourPositive: 0, immune: 40, immunePositive: 40)) == 0)
    }

    @Test func icIsThePositiveImmuneAreaOverTheTissueArea() throws {
        let m = Marker.pdl1
        #expect(m.score(named: "ic_score", Self.totals(tumour: 100, tumourPositive: 0, immuneArea: 50, tissue: 1000)) == 5)
        #expect(m.score(named: "ic_category_code", Self.totals(tumour: 100, tumourPositive: 0, immuneArea: 50, tissue: 1000)) == 2)
        #expect(m.score(named: "ic_score", Self.totals(tumour: 100, tumourPositive: 0, immuneArea: 50, tissue: 0)) == 0)
    }

    @Test func categoriesAtTheirBoundaries() {
        #expect([0.99, 1, 49.99, 50].map(Marker.tpsCategory) == ["<1%", "1-49%", "1-49%", ">=50%"])
        #expect([0.99, 1, 9.99, 10, 100].map(Marker.cpsCategory) == ["<1", "1-9", "1-9", ">=10", ">=10"])
        #expect([0.99, 1, 24.99, 25, 49.99, 50].map(Marker.tcCategory) == ["<1%", "1-24%", "1-24%", "25-49%", "25-49%", ">=50%"])
        #expect([0.99, 1, 4.99, 5, 9.99, 10].map(Marker.icCategory) == ["IC0", "IC1", "IC1", "IC2", "IC2", "IC3"])
        let m = Marker.pdl1
        // Codes as scores, on exact counts: 1 of 100 (TPS 1%), 49 of 100, 50 of 100.
        #expect([0, 1, 49, 50].map { m.score(named: "tps_category_code", Self.totals(tumour: 100, tumourPositive: $0)) } == [0, 1, 1, 2])
        #expect([0, 1, 24, 25, 50].map { m.score(named: "tc_category_code", Self.totals(tumour: 100, tumourPositive: $0)) } == [0, 1, 1, 2, 3])
        #expect([0, 1, 9, 10].map { m.score(named: "cps_category_code", Self.totals(tumour: 100, tumourPositive: $0)) } == [0, 1, 1, 2])
    }

    @Test func insufficientBelow100TumourCells() throws {
        let m = Marker.pdl1
        #expect(m.insufficient(Self.totals(tumour: 99, tumourPositive: 10, immune: 500, stroma: 500)))
        #expect(!m.insufficient(Self.totals(tumour: 100, tumourPositive: 10)))
        // Scores are still given; the JSON says insufficient and the minimum.
        for (n, flagged) in [(99, true), (100, false)] {
            let score = TileScore(image: "x", marker: "pdl1", totals: Self.totals(tumour: n, tumourPositive: 10), qcFlags: [],
                                  pixelSizeMicrons: 0.5)
            let json = try #require(JSONSerialization.jsonObject(with: Data(ScoreJSON.render(score, marker: m).utf8)) as? [String: Any])
            let cells = try #require(json["cells"] as? [String: Any])
            #expect(cells["insufficient"] as? Bool == flagged)
            #expect(cells["minimum"] as? Int == 100)
            #expect(((json["scores"] as? [String: Any])?["tps"] as? Double).map { abs($0 - 1000 / Double(n)) < 1e-3 } == true)
        }
        // too_few_cells (a tile's own minimum) is never above the slide's: a too_few_cells score is insufficient too.
        #expect(ScoringSettings().minimumCells <= Marker.minimumTumourCells)
    }

    // MARK: outputs

    @Test func classesInTheScoreJSON() throws {
        let t = Self.totals(tumour: 200, tumourPositive: 84, immune: 30, immunePositive: 12, stroma: 40, immuneArea: 20)
        let score = TileScore(image: "x", marker: "pdl1", totals: t, qcFlags: [], pixelSizeMicrons: 0.5)
        let text = ScoreJSON.render(score, marker: .pdl1, classifier: "morphology")
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let classes = try #require(json["classes"] as? [String: [String: Any]])
        #expect(classes["Tumor"]?["role"] as? String == "tumour")
        #expect(classes["Tumor"]?["total"] as? Int == 200 && classes["Tumor"]?["positive"] as? Int == 84)
        #expect(classes["Immune cells"]?["role"] as? String == "lymphocyte")
        #expect(classes["Immune cells"]?["total"] as? Int == 30 && classes["Immune cells"]?["positive"] as? Int == 12)
        #expect(classes["Stroma"]?["role"] as? String == "stroma" && classes["Stroma"]?["total"] as? Int == 40)
        // Role order in the text: Tumor, Immune cells, Stroma.
        let order = ["\"Tumor\"", "\"Immune cells\"", "\"Stroma\""].compactMap { text.range(of: $0)?.lowerBound }
        #expect(order.count == 3 && order == order.sorted())
        let categories = try #require(json["categories"] as? [String: String])
        #expect(categories == ["tps": "1-49%", "cps": ">=10", "tc": "25-49%", "ic": "IC1"])
        let ic = try #require(json["ic_area"] as? [String: Any])
        #expect(ic["positive_immune_px"] as? Int == 20 && ic["tumour_area_px"] as? Int == 1000 && ic["tumour_area"] as? String == "tissue")
        #expect((json["settings"] as? [String: Any])?["cell_classifier"] as? String == "morphology")
    }

    @Test func classifierClassesReachTheCellsTableGeoJSONAndTotals() throws {
        var spec = TileSpec(marker: .pdl1, width: 256, height: 256, positiveFraction: 0.5)
        spec.lymphocyteFraction = 0.2
        let (image, _) = SyntheticTile.generate(spec, seed: 5)
        var settings = ScoringSettings()
        settings.pixelSizeMicrons = 0.5
        settings.cellClassifier = AreaClassifier(stromaAboveMicrons2: 60, immuneBelowMicrons2: 30)
        let a = TileScorer.analyse(image, name: "t", marker: .pdl1, settings: settings)
        let t = a.score.totals
        let areas = a.segmentation.cells.map { Double($0.nucleusAreaPixels) * 0.25 }
        let stroma = areas.filter { $0 > 60 }.count, immune = areas.filter { $0 < 30 }.count
        #expect(stroma > 0 && immune > 0)
        #expect(t.classes["Stroma"]?.bins.total == stroma)
        #expect(t.classes["Immune cells"]?.bins.total == immune && t.lymphocytes.total == immune)
        #expect(t.tumour.total == a.segmentation.cells.count - stroma - immune)
        #expect(a.classNames == ["Tumor", "Immune cells", "Stroma"])
        // Cells table: the class column is the classifier's name, the role column its role.
        let rows = CellTable.tsv(a).split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let roleColumn = CellTable.columns.count - 1
        #expect(rows.filter { $0[1] == "Stroma" }.count == stroma)
        #expect(rows.filter { $0[1] == "Stroma" }.allSatisfy { $0[roleColumn] == "stroma" })
        #expect(rows.filter { $0[1] == "Immune cells" }.count == immune)
        // GeoJSON classification names: `Tumor: 2+`, `Immune cells: Negative`, `Stroma`.
        for (cell, call) in zip(a.segmentation.cells, a.calls) {
            let name = CellGeoJSON.className(call)
            let area = Double(cell.nucleusAreaPixels) * 0.25
            if area > 60 { #expect(name == "Stroma") }
            else if area < 30 { #expect(name == "Immune cells: " + (call.bin == .negative ? "Negative" : call.bin.rawValue)) }
            else { #expect(name == "Tumor: " + (call.bin == .negative ? "Negative" : call.bin.rawValue)) }
        }
        // Overlay: stroma nuclei outlined violet.
        let overlay = ScoreOverlay.render(image, analysis: a)
        guard case .uint8(let px) = overlay.samples else { Issue.record("8-bit overlay expected"); return }
        let violet = stride(from: 0, to: px.count, by: 3).filter { px[$0] == 150 && px[$0 + 1] == 60 && px[$0 + 2] == 200 }.count
        #expect(violet > 10 * stroma)
    }

    @Test func aFaultyClassifierLeavesItsCellsUnclassifiedOutOfEveryScore() {
        var spec = TileSpec(marker: .pdl1, width: 192, height: 192)
        spec.lymphocyteFraction = 0
        let (image, _) = SyntheticTile.generate(spec, seed: 6)
        var settings = ScoringSettings()
        settings.pixelSizeMicrons = 0.5
        settings.cellClassifier = BrokenClassifier()
        let a = TileScorer.analyse(image, name: "t", marker: .pdl1, settings: settings)
        #expect(a.segmentation.cells.count > 5)
        #expect(a.score.totals.classes["Unclassified"]?.bins.total == a.segmentation.cells.count)
        #expect(a.score.totals.tumour.total == 0 && a.score.totals.classes["Tumor"]?.bins.total == 0)
    }

    @Test func classesSumOverTiles() {
        let (ia, ta, ib, tb, joined) = AdditivityTests.pair()
        func scored(_ image: RGBImage, _ truth: TileTruth?, seg: CellSegmentation, tissue: [UInt8]) -> TileTotals {
            let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
            var seg = seg
            let classes = CellClassAssignment.apply(AreaClassifier(stromaAboveMicrons2: 60), to: &seg, planes: planes,
                                                    pixelSizeMicrons: 0.5)
            return TileScorer.assemble(name: "t", marker: .pdl1, planes: planes,
                                       tissue: TissueMask(width: image.width, height: image.height, mask: tissue),
                                       segmentation: seg, qcFlags: [], pixelSizeMicrons: 0.5, settings: ScoringSettings(),
                                       classes: classes).score.totals
        }
        let pa = Deconvolution.deconvolve(ia, matrix: StainPresets.hDAB), pb = Deconvolution.deconvolve(ib, matrix: StainPresets.hDAB)
        let pj = Deconvolution.deconvolve(joined, matrix: StainPresets.hDAB)
        let sum = scored(ia, ta, seg: ta.segmentation(measuring: pa), tissue: ta.tissueMask)
            + scored(ib, tb, seg: tb.segmentation(measuring: pb), tissue: tb.tissueMask)
        let seg = AdditivityTests.concat(ta, tb, planes: pj)
        let whole = scored(joined, nil, seg: seg, tissue: seg.cellLabels.indices.map { _ in 1 })
        #expect(sum.classes == whole.classes)
        #expect(sum.classes["Stroma"].map { $0.bins.total > 0 } == true)
        #expect(sum.positiveImmunePixels == whole.positiveImmunePixels)
    }

    @Test func theMorphologyRuleDependsOnTheCellAlone() {
        var spec = TileSpec(marker: .pdl1, width: 320, height: 320)
        spec.lymphocyteFraction = 0.3
        let (image, _) = SyntheticTile.generate(spec, seed: 7)
        let a = TileScorer.analyse(image, name: "t", marker: .pdl1, settings: ScoringSettings())
        let rule = MorphologyRule()
        let px = a.score.pixelSizeMicrons
        // Each cell alone in a segmentation gets the class it had among its neighbours.
        var same = 0
        for cell in a.segmentation.cells {
            let alone = CellSegmentation(width: 1, height: 1, nucleusLabels: [0], cellLabels: [0], membraneMask: [0], cells: [cell])
            if rule.classify(alone, planes: a.planes, pixelSizeMicrons: px) == [cell.cellClass == .lymphocyte ? 1 : 0] { same += 1 }
        }
        #expect(same == a.segmentation.cells.count)
        #expect(a.segmentation.cells.contains { $0.cellClass == .lymphocyte })
        #expect(a.classNames == ["Tumor", "Immune cells"] && a.classRoles == [.tumour, .lymphocyte])
    }
}
