import Foundation
import Testing
import StainShiftImaging
import StainShiftScoring
@testable import StainShiftEvaluation
import StainShiftTestSupport

/// Another tool's cells (`detections` column) go through the same matching as StainShift's own.
@Suite struct DetectionTableTests {
    static let scratch = Scratch(suite: "ss-eval-det")
    static var dir: URL { scratch.url }

    static func file(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

    @Test func detectionsReadPositionsCallsAndClasses() throws {
        let path = try Self.file("d.tsv", "x\ty\tpositive\tclass\n1\t2\t1\tLymphocyte\n3\t4\tno\t\n")
        #expect(try DetectionTable.read(path) == [DetectedCell(x: 1, y: 2, cellClass: "lymphocyte", positive: true),
                                                  DetectedCell(x: 3, y: 4, cellClass: "tumour", positive: false)])
        let bad = try Self.file("bad.tsv", "x\ty\tpositive\n1\t2\tmaybe\n")
        #expect(throws: EvaluationError(path: bad, line: 2, reason: "positive 'maybe' is not 1 or 0")) { try DetectionTable.read(bad) }
    }

    @Test func anotherToolsCellsAreEvaluatedWithoutScoring() throws {
        // A 40 x 40 white PNG at 0.5 µm/px (no metadata): radius 8 px.
        try ImageWriter.writePNG(RGBImage(width: 40, height: 40, filling: (255, 255, 255)), to: Self.dir.appendingPathComponent("w.png").path)
        _ = try Self.file("w.points.tsv", "x\ty\tlabel\n5\t5\tpositive\n20\t20\tnegative\n35\t35\tnegative\n")
        _ = try Self.file("w.cells.tsv", "x\ty\tpositive\n6\t5\t1\n20\t27\t1\n")
        let list = try Self.file("L.tsv", "image\tannotations\tdetections\nw.png\tw.points.tsv\tw.cells.tsv\n")
        let items = try AnnotationList.read(list)
        let result = Evaluator.run(items, options: EvaluationOptions(marker: .ki67, settings: ScoringSettings()))
        #expect(result.failures.isEmpty)
        let e = try #require(result.images.first)
        #expect(e.radiusPixels == 8 && e.matches == [0, 1, nil])
        #expect(e.counts.positivityAgreement == 0.5)
        // Truth 1 of 3; measured 2 of 2 cells positive.
        #expect(e.measuredIndex == 100 && e.truthIndex == 100.0 / 3)
        #expect(e.counts.precision == 1 && e.counts.recall == 2.0 / 3)
    }
}
