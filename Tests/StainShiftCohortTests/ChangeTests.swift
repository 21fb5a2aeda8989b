import Foundation
import Testing
@testable import StainShiftCohort
import StainShiftScoring
import StainShiftStains
import StainShiftTestSupport

func tile(_ negative: Int, _ positive: Int) -> TileRecord {
    var t = TileTotals(); t.tiles = 1; t.tumour = BinCounts(negative: negative, weak: positive)
    return TileRecord(patient: "", timepoint: .pre, marker: "pdl1", slide: "", image: "\(negative)-\(positive)",
                      sha256: "", score: TileScore(image: "", marker: "pdl1", totals: t, qcFlags: [], pixelSizeMicrons: 0.5))
}

func part(_ patient: String, _ tp: Timepoint, _ tiles: [TileRecord], marker: String = "pdl1",
          stains: [StainVector] = StainPresets.hDAB.stains) -> SlidePart {
    SlidePart(version: "t", slide: "\(patient)_\(tp.rawValue)_\(marker)", patient: patient, timepoint: tp, marker: marker,
              stains: "", stainsSource: "preset:h-dab", stainVectors: stains, tiles: tiles, failures: [])
}

@Suite struct ChangeTests {
    @Test func slideScoresComeFromSummedCountsNotAveragedTileScores() {
        // 1/2 positive and 90/100 positive: pooled 91/102 = 89.2%, the average of tile scores would be 70%.
        let slides = CohortAnalysis.slides([part("P", .pre, [tile(1, 1), tile(10, 90)])], scores: simpleScores)
        #expect(abs(slides[0].scores[0].value - 100 * 91.0 / 102.0) < 1e-12)
        #expect(slides[0].tileCount == 2)
    }

    @Test func changesHaveDeltaAndAnIntervalAroundIt() throws {
        let pre = (0..<8).map { tile(80 + $0, 20 - $0) }, post = (0..<8).map { tile(40 + $0, 60 - $0) }
        let rows = CohortAnalysis.changes([part("P", .pre, pre), part("P", .post, post)], resamples: 500, seed: 7, scores: simpleScores)
        let tps = try #require(rows.first { $0.metric == "tps" })
        #expect(tps.delta > 30)
        #expect(tps.ciLow <= tps.delta && tps.delta <= tps.ciHigh)
        #expect(tps.ciLow > 0)
        #expect(tps.ciExcludesZero)
        #expect(rows.map(\.metric) == ["tps", "hscore"])
        #expect(tps.preTiles == 8 && tps.preTumourCells == 800)
    }

    @Test func bootstrapIsDeterministicAndSeedDependentAndThreadIndependent() {
        let parts = (1...6).flatMap { p in
            [part("P\(p)", .pre, (0..<5).map { tile(50 + $0 * p, 30 + $0) }), part("P\(p)", .post, (0..<5).map { tile(40 + $0, 35 + p * $0) })]
        }
        let a = CohortAnalysis.changes(parts, resamples: 300, seed: 1, threads: 1, scores: simpleScores)
        let b = CohortAnalysis.changes(parts.reversed(), resamples: 300, seed: 1, threads: 3, scores: simpleScores)
        let c = CohortAnalysis.changes(parts, resamples: 300, seed: 2, threads: 1, scores: simpleScores)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func singleTimepointGivesNoChangeRows() {
        let rows = CohortAnalysis.changes([part("P", .pre, [tile(1, 1)])], resamples: 10, seed: 1, scores: simpleScores)
        #expect(rows.isEmpty)
    }

    @Test func noBootstrapGivesNaNInterval() throws {
        let rows = CohortAnalysis.changes([part("P", .pre, [tile(1, 1)]), part("P", .post, [tile(1, 3)])], resamples: 0, seed: 1, scores: simpleScores)
        let r = try #require(rows.first)
        #expect(r.ciLow.isNaN && !r.ciExcludesZero)
        #expect(r.relativeChange == 0.5)
    }

    @Test func stainDriftIsFlaggedAboveFiveDegrees() throws {
        let rotated = try StainMatrix(StainVector(role: .hematoxylin, r: 0.650, g: 0.704, b: 0.286),
                                      StainVector(role: .dab, r: 0.35, g: 0.60, b: 0.70))
        let drift = StainDrift.degrees(StainPresets.hDAB.stains, rotated.stains)
        #expect(drift > 5)
        let slides = CohortAnalysis.slides([part("P", .pre, [tile(100, 50)]), part("P", .post, [tile(100, 50)], stains: rotated.stains)],
                                           scores: simpleScores)
        #expect(slides.allSatisfy { $0.qcFlags.contains("stain_drift") && abs(($0.stainDriftDegrees ?? 0) - drift) < 1e-12 })
        #expect(StainDrift.degrees(StainPresets.hDAB.stains, StainPresets.hDAB.stains) < 1e-6)
    }

    /// Pre and post slides whose median OD factors differ more than 1.5-fold are flagged, with the
    /// patient: a different scanner or a different counterstain.
    @Test func odScaleDriftIsFlaggedAboveOneAndAHalfFold() {
        func scaled(_ factors: [Double?]) -> [TileRecord] {
            factors.map { f in var t = tile(100, 50); t.score.odScale = f; return t }
        }
        func flagged(_ pre: [Double?], _ post: [Double?]) -> [Bool] {
            CohortAnalysis.slides([part("P", .pre, scaled(pre)), part("P", .post, scaled(post))], scores: simpleScores)
                .map { $0.qcFlags.contains("od_scale_drift") }
        }
        // Medians 1.0 and 1.6 (the outlying tile 3.0 does not move a median), and the same the other way.
        #expect(flagged([0.9, 1.0, 1.1], [1.5, 1.6, 3.0]) == [true, true])
        #expect(flagged([1.7, 1.6], [1.0]) == [true, true])
        #expect(flagged([1.0], [1.45]) == [false, false])
        // Not recorded (old parts), or one timepoint only: nothing to compare.
        #expect(flagged([nil], [2.0]) == [false, false])
        let single = CohortAnalysis.slides([part("P", .pre, scaled([3.0]))], scores: simpleScores)
        #expect(!single[0].qcFlags.contains("od_scale_drift"))
        // Another marker's slides are not compared with these.
        let other = CohortAnalysis.slides([part("P", .pre, scaled([1.0])), part("P", .post, scaled([2.0]), marker: "hla1")],
                                          scores: simpleScores)
        #expect(other.allSatisfy { !$0.qcFlags.contains("od_scale_drift") })
        #expect(ODScaleDrift.median(part("P", .pre, scaled([2.0, nil, 1.0]))) == 1.5)
        // Each slide records its median.
        let medians = CohortAnalysis.slides([part("P", .pre, scaled([0.9, 1.0, 1.1])), part("P", .post, scaled([nil]))],
                                            scores: simpleScores).map(\.odScale)
        #expect(medians == [1.0, nil])
    }
}
