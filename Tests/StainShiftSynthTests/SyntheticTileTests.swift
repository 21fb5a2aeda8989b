import StainShiftFoundation
import Foundation
import Testing
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftScoring
@testable import StainShiftSynth

/// The generator: deterministic, exact counts, the cell kinds the scorer must handle.
@Suite struct SyntheticTileTests {
    func spec(_ marker: Marker, size: Int = 256) -> TileSpec {
        var s = TileSpec(marker: marker, width: size, height: size)
        s.positiveFraction = 0.35
        return s
    }

    @Test func sameSeedSameTileDifferentSeedDifferentTile() {
        let a = SyntheticTile.generate(spec(.pdl1), seed: 5)
        let b = SyntheticTile.generate(spec(.pdl1), seed: 5)
        let c = SyntheticTile.generate(spec(.pdl1), seed: 6)
        #expect(a.image == b.image)
        #expect(a.truth.cells == b.truth.cells)
        #expect(a.image != c.image)
    }

    @Test func positiveCountIsExactAndTheTileHasEveryKindOfCell() throws {
        let (image, truth) = SyntheticTile.generate(spec(.pdl1, size: 384), seed: 11)
        #expect(image.width == 384 && image.height == 384)
        let tumour = truth.cells.filter { $0.cellClass == .tumour }
        let positives = tumour.filter(\.positive).count
        #expect(positives == Int((Double(tumour.count) * 0.35).rounded()))
        #expect(truth.lymphocytes > 5)
        #expect(truth.cells.filter(\.touching).count >= 6)
        for b in IntensityBin.allCases { #expect(tumour.contains { $0.bin == b }) }
        // Lymphocyte nuclei are smaller than tumour nuclei.
        let meanArea = { (cs: [CellTruth]) in Double(cs.reduce(0) { $0 + $1.nucleusAreaPixels }) / Double(max(1, cs.count)) }
        #expect(meanArea(truth.cells.filter { $0.cellClass == .lymphocyte }) < 0.6 * meanArea(tumour))
        // Every cell owns nucleus pixels; label maps agree.
        for c in truth.cells { #expect(c.nucleusAreaPixels > 0) }
        for i in 0..<(truth.width * truth.height) where truth.nucleusLabels[i] != 0 {
            #expect(truth.cellLabels[i] == truth.nucleusLabels[i])
        }
        #expect(truth.membraneMask.contains(1))
    }

    @Test func backgroundOnlyAndTinyTilesGenerate() {
        var s = spec(.ki67, size: 64)
        s.tissueFraction = 0
        let (image, truth) = SyntheticTile.generate(s, seed: 1)
        #expect(truth.cells.isEmpty)
        #expect(!truth.tissueMask.contains(1))
        #expect(image.pixelCount == 64 * 64)
        var one = spec(.pdl1, size: 1)
        one.height = 1
        #expect(SyntheticTile.generate(one, seed: 1).truth.cells.isEmpty)
    }

    /// Scoring alone, on the truth label maps. Positivity uses the marker's own cut; 2+ and 3+ use
    /// QuPath's 0.4 / 0.6, since the built-in PD-L1 / HLA-I bins are calibrated for the compressed
    /// readings of detected cells. (CRT: see EndToEndTests.)
    @Test(arguments: Marker.builtins.filter { $0.name != "crt" })
    func perfectCellsRecoverThePaintedScores(marker: Marker) throws {
        var marker = marker
        marker.thresholds = IntensityThresholds(weak: marker.thresholds.weak, moderate: 0.4, strong: 0.6)
        for seed in [UInt64(1), 2, 3] {
            var s = spec(marker, size: 320)
            s.positiveFraction = [0.1, 0.45, 0.8][Int(seed - 1)]
            let (image, truth) = SyntheticTile.generate(s, seed: seed)
            let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
            let tissue = TissueMask(width: truth.width, height: truth.height, mask: truth.tissueMask)
            let analysis = TileScorer.assemble(name: "t", marker: marker, planes: planes, tissue: tissue,
                                               segmentation: truth.segmentation(measuring: planes), qcFlags: [],
                                               pixelSizeMicrons: 0.5, settings: ScoringSettings())
            let expected = truth.totals(for: marker)
            let got = analysis.score.totals
            #expect(abs(marker.scoredCells(got).percentPositive - marker.scoredCells(expected).percentPositive) <= 3,
                    "\(marker.name) seed \(seed)")
            #expect(abs(marker.scoredCells(got).hScore - marker.scoredCells(expected).hScore) <= 15)
            if marker.secondary != nil {
                #expect(abs(got.tumourSecondary.percentPositive - expected.tumourSecondary.percentPositive) <= 3)
            }
            #expect(got.lymphocytes.total == expected.lymphocytes.total)
        }
    }

    @Test func cohortHasManifestTruthAndKnownGroups() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cohort-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var spec = CohortSpec(patients: 3, tilesPerSlide: 1, tileSize: 160, markers: ["pdl1", "hmgb1"])
        spec.minimumChange = 15
        let truth = try SyntheticCohort.write(to: dir, spec: spec, seed: 9, threads: 2)
        let manifest = try String(contentsOfFile: dir + "/manifest.tsv", encoding: .utf8)
        let lines = manifest.split(separator: "\n")
        #expect(lines.first == "patient\ttimepoint\tmarker\tslide\timage")
        #expect(lines.count == 1 + 3 * 2 * 2)
        for line in lines.dropFirst() {
            let image = String(line.split(separator: "\t")[4])
            #expect(FileManager.default.fileExists(atPath: dir + "/" + image))
        }
        let pdl1 = truth.filter { $0.marker == "pdl1" }
        #expect(pdl1.map(\.pdl1Group) == ["increase", "decrease", "no_change"])
        #expect(pdl1[0].delta >= 10)
        #expect(pdl1[1].delta <= -10)
        #expect(abs(pdl1[2].delta) < 10)
        let text = try String(contentsOfFile: dir + "/truth.tsv", encoding: .utf8)
        #expect(text.hasPrefix("patient\tmarker\tpre_percent_positive\tpost_percent_positive\tdelta\tpre_hscore\tpost_hscore\tpdl1_group\toutcome\n"))
        // Same seed, same cohort, whatever the threads.
        let dir2 = dir + "-again"
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        try SyntheticCohort.write(to: dir2, spec: spec, seed: 9, threads: 1)
        #expect(try String(contentsOfFile: dir2 + "/truth.tsv", encoding: .utf8) == text)
        let a = FileManager.default.contents(atPath: dir + "/tiles/P01_pre_pdl1_1.png")
        let b = FileManager.default.contents(atPath: dir2 + "/tiles/P01_pre_pdl1_1.png")
        #expect(a != nil && a == b)
    }
}
