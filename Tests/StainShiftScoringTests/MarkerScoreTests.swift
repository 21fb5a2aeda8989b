import Foundation
import Testing
@testable import StainShiftScoring

/// Every score formula on hand-made totals.
@Suite struct MarkerScoreTests {
    func totals(tumour: BinCounts, lymphocytes: BinCounts = BinCounts(), secondary: BinCounts = BinCounts(),
                whole: BinCounts = BinCounts()) -> TileTotals {
        var t = TileTotals()
        t.tumour = tumour; t.lymphocytes = lymphocytes; t.tumourSecondary = secondary; t.tumourWholeCell = whole
        return t
    }

    @Test func tpsCountsTumourCellsAtAnyIntensityAndIgnoresLymphocytes() throws {
        let t = totals(tumour: BinCounts(negative: 60, weak: 20, moderate: 15, strong: 5),
                       lymphocytes: BinCounts(negative: 10, weak: 0, moderate: 0, strong: 40))
        let m = Marker.pdl1
        #expect(m.score(named: "tps", t) == 40)
        #expect(m.score(named: "percent_positive", t) == 40)
        #expect(m.score(named: "hscore", t) == 65)  // 20 + 2*15 + 3*5 over 100 cells
        // CPS = (40 tumour + 40 lymphocytes) / 100 tumour x 100 = 80.
        #expect(m.score(named: "cps", t) == 80)
        #expect(m.score(named: "lymphocyte_percent_positive", t) == 80)
    }

    @Test func cpsIsCappedAtOneHundred() {
        let t = totals(tumour: BinCounts(negative: 5, weak: 5), lymphocytes: BinCounts(strong: 30))
        #expect(Marker.pdl1.score(named: "cps", t) == 100)
    }

    @Test func tpsCategoriesFollowTheClinicalCutOffs() {
        #expect(Marker.tpsCategory(0) == "<1%")
        #expect(Marker.tpsCategory(0.99) == "<1%")
        #expect(Marker.tpsCategory(1) == "1-49%")
        #expect(Marker.tpsCategory(49.99) == "1-49%")
        #expect(Marker.tpsCategory(50) == ">=50%")
        let code = { (pos: Int, neg: Int) in Marker.pdl1.score(named: "tps_category_code", self.totals(tumour: BinCounts(negative: neg, weak: pos))) }
        #expect(code(0, 200) == 0)
        #expect(code(1, 199) == 0)   // 0.5%
        #expect(code(2, 198) == 1)   // 1%
        #expect(code(99, 101) == 1)  // 49.5%
        #expect(code(100, 100) == 2) // 50%
    }

    @Test func crtReportsMembranePositivityWholeCellHScoreAndODRatio() throws {
        var t = totals(tumour: BinCounts(negative: 50, weak: 50), secondary: BinCounts(negative: 100),
                       whole: BinCounts(negative: 25, weak: 25, moderate: 25, strong: 25))
        t.primaryDABSum = 30; t.secondaryDABSum = 12
        let m = Marker.crt
        #expect(m.score(named: "percent_positive", t) == 50)
        #expect(m.score(named: "membrane_percent_positive", t) == 50)
        #expect(m.score(named: "membrane_hscore", t) == 50)
        #expect(m.score(named: "hscore", t) == 150)  // whole cell
        #expect(m.score(named: "whole_cell_hscore", t) == 150)
        #expect(m.score(named: "membrane_cytoplasm_ratio", t) == 2.5)
        #expect(m.score(named: "membrane_mean_dab_od", t) == 0.3)
        t.secondaryDABSum = 0
        #expect(m.score(named: "membrane_cytoplasm_ratio", t) == 0)
    }

    @Test func hmgb1TranslocationIndexIsCytoplasmicPositivity() {
        let t = totals(tumour: BinCounts(negative: 10, weak: 30, moderate: 30, strong: 30),
                       secondary: BinCounts(negative: 75, weak: 15, moderate: 10))
        let m = Marker.hmgb1
        #expect(m.score(named: "nuclear_hscore", t) == 180)
        #expect(m.score(named: "hscore", t) == 180)
        #expect(m.score(named: "cytoplasmic_hscore", t) == 35)
        #expect(m.score(named: "translocation_index", t) == 25)
        #expect(m.score(named: "cytoplasmic_percent_positive", t) == 25)
        #expect(m.score(named: "nuclear_percent_positive", t) == 90)
    }

    @Test func ki67CountsEveryCellAsQuPathDoes() {
        let t = totals(tumour: BinCounts(negative: 80, strong: 20), lymphocytes: BinCounts(negative: 100))
        #expect(Marker.ki67.score(named: "percent_positive", t) == 10)
        #expect(Marker.ki67.score(named: "labelling_index", t) == 10)
        #expect(Marker.ki67.score(named: "nuclear_hscore", t) == 60)  // tumour cells only
    }

    @Test func pixelScoresComeFromTissuePixelBins() {
        var t = TileTotals()
        t.pixels = BinCounts(negative: 600, weak: 200, moderate: 100, strong: 100)
        t.pixelDABSum = 250
        let m = Marker.hla1
        #expect(m.score(named: "pixel_percent_positive", t) == 40)
        #expect(m.score(named: "pixel_percent_weak", t) == 20)
        #expect(m.score(named: "pixel_percent_moderate", t) == 10)
        #expect(m.score(named: "pixel_percent_strong", t) == 10)
        #expect(m.score(named: "pixel_hscore", t) == 70)
        #expect(m.score(named: "pixel_mean_dab_od", t) == 0.25)
    }

    @Test(arguments: Marker.builtins)
    func emptyTotalsScoreZeroNeverNaN(marker: Marker) {
        let scores = marker.scores(TileTotals())
        #expect(!scores.isEmpty)
        for s in scores { #expect(s.value == 0, "\(marker.name).\(s.name) = \(s.value)") }
        #expect(scores.map(\.name) == marker.scoreNames)
        #expect(Set(scores.map(\.name)).count == scores.count, "score names are unique")
        for s in scores { #expect(s.name.range(of: "^[a-z0-9_]+$", options: .regularExpression) != nil) }
    }

    @Test func scoresOfSummedTotalsAreSlideScores() {
        let a = totals(tumour: BinCounts(negative: 90, weak: 10)), b = totals(tumour: BinCounts(negative: 10, strong: 90))
        // Summing counts, not averaging percentages: (10 + 90) / 200 = 50%, not mean(10, 90) by accident.
        let c = totals(tumour: BinCounts(negative: 90, weak: 10)) + totals(tumour: BinCounts(negative: 190, strong: 10))
        #expect(Marker.pdl1.score(named: "tps", a + b) == 50)
        #expect(Marker.pdl1.score(named: "tps", c) == 20.0 / 300 * 100)
    }

    @Test func builtinLookupIsCaseInsensitiveAndRejectsUnknownNames() {
        #expect(Marker.builtin(named: "PDL1")?.name == "pdl1")
        #expect(Marker.builtin(named: "cd8") == nil)
        #expect(Marker.builtins.map(\.name) == ["pdl1", "hla1", "crt", "hmgb1", "ki67"])
        for m in Marker.builtins { #expect(!m.source.isEmpty); #expect(m.thresholds.isValid) }
    }
}
