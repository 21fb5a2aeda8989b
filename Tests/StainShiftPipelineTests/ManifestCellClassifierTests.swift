import Foundation
import Testing
@testable import StainShiftCohort
import StainShiftImaging
@testable import StainShiftPipeline
import StainShiftScoring
import StainShiftTestSupport

/// The manifest's `cell_classifier` column (issue 17): `morphology`, `default` or a model file per
/// row, in place of the command's `--cell-classifier`; checked like the other file columns.
@Suite(.serialized) struct ManifestCellClassifierTests {
    @Test func theColumnIsResolvedAndChecked() throws {
        let s = try Scratch(files: ["a.png", "b.png", "c.png", "m/cells.json"])
        let m = try Manifest.load(try s.write("m.tsv", """
            patient\ttimepoint\tmarker\timage\tslide\tcell_classifier
            P1\tpre\tpdl1\ta.png\tA\tm/cells.json
            P1\tpost\tpdl1\tb.png\tB\tDefault
            P2\tpre\tpdl1\tc.png\tC\tmorphology
            P2\tpost\tpdl1\tc.png\tD\t
            P3\tpre\tpdl1\ta.png\tE\tmissing.json
            P1\tpre\tpdl1\tc.png\tA\tdefault

            """), knownMarkers: markers)
        #expect(m.rows.map(\.slide) == ["A", "B", "C", "D"])
        #expect(m.rows.map(\.cellClassifier) == [s.path("m/cells.json"), "default", "morphology", nil])
        #expect(m.failures.map(\.line) == [6, 7])
        #expect(m.failures[0].error.contains("cell_classifier 'missing.json' not found") && m.failures[0].error.contains(s.path("missing.json")))
        #expect(m.failures[1].error.contains("cell_classifier differs from line 2 of the same slide 'A'"))
    }

    /// A run: a row with `default` is classed by the shipped model (its stroma class appears), a
    /// row with `morphology` by the rule although the command gave a model, and a model file that
    /// cannot be loaded fails its row only, naming the file.
    @Test func aRunClassesEachRowWithItsOwnClassifier() throws {
        let s = try Scratch()
        try ImageWriter.writePNG(SlidePyramidTests.tile, to: s.path("t.png"))
        _ = try s.write("bad.json", "{\"format\": \"something else\"}")
        let manifest = try s.write("m.tsv", """
            patient\ttimepoint\tmarker\timage\tslide\tcell_classifier
            P1\tpre\tpdl1\tt.png\tA\t
            P1\tpost\tpdl1\tt.png\tB\tdefault
            P2\tpre\tpdl1\tt.png\tC\tmorphology
            P2\tpost\tpdl1\tt.png\tD\tbad.json

            """)
        let shipped = try loadCellClassifier(path: shippedCellClassifierName)
        var engine = ScoringEngine.standard(odScale: 1, cellClassifier: shipped, cellClassifierKey: cellClassifierKey(path: "default"))
        engine.overlay = nil
        var batch = BatchOptions(threads: 2)
        batch.defaultStains = "h-dab"
        var cohort = CohortSettings(); cohort.resamples = 50
        let result = try CohortPipeline.run(manifestPath: manifest, outdir: s.path("out"), engine: engine, batch: batch, cohort: cohort)
        let classes = Dictionary(result.tiles.map { ($0.slide, Set($0.score.totals.classes.keys)) }, uniquingKeysWith: { a, _ in a })
        let model = Set(shipped.classNames), rule: Set<String> = ["Tumor", "Immune cells"]
        #expect(classes["A"] == model, "an empty cell keeps the command's classifier")
        #expect(classes["B"] == model)
        #expect(classes["C"] == rule)
        #expect(classes["D"] == nil)
        let failure = try #require(result.failures.first { $0.slide == "D" })
        #expect(failure.stage == "cell_classifier" && failure.error.contains("bad.json") && !failure.error.contains("\n"))
        // The same image and classifier give the same cells whichever way the classifier was named.
        let cells = Dictionary(result.tiles.map { ($0.slide, $0.score.totals.classes.values.reduce(0) { $0 + $1.bins.total }) },
                               uniquingKeysWith: { a, _ in a })
        #expect(cells["A"] == cells["B"] && cells["A"] == cells["C"] && (cells["A"] ?? 0) > 20)
        #expect(result.tiles.first { $0.slide == "A" }?.score.totals == result.tiles.first { $0.slide == "B" }?.score.totals)
    }
}
