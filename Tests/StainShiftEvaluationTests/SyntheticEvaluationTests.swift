import Foundation
import Testing
import StainShiftImaging
import StainShiftScoring
import StainShiftSynth
@testable import StainShiftEvaluation

/// End to end on synthetic tiles whose truth nuclei become the expert points: the scorer must
/// find nearly all of them, results must not depend on the thread count, and a missing image
/// fails alone.
@Suite(.serialized) struct SyntheticEvaluationTests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ss-eval-synth-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d.appendingPathComponent("synth/images"), withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(at: d.appendingPathComponent("synth/labels"), withIntermediateDirectories: true)
        return d
    }()

    /// Two Ki67 tiles with every nucleus labelled positive or negative, listed with a missing third image.
    static func list() throws -> (path: String, truths: [TileTruth]) {
        var rows = "image\tannotations\tcomplete\n"
        var truths: [TileTruth] = []
        for seed in [UInt64(5), 6] {
            let (image, truth) = SyntheticTile.generate(TileSpec(marker: .ki67, width: 320, height: 320, positiveFraction: 0.3),
                                                        seed: seed)
            let name = "tile\(seed)"
            try ImageWriter.writePNG(image, to: dir.appendingPathComponent("synth/images/\(name).png").path)
            var tsv = "x\ty\tlabel\tsource_label\n"
            for c in truth.cells { tsv += "\(c.centroidX)\t\(c.centroidY)\t\(c.positive ? "positive" : "negative")\t\(c.cellClass.rawValue)\n" }
            try Data(tsv.utf8).write(to: dir.appendingPathComponent("synth/labels/\(name).tsv"))
            rows += "synth/images/\(name).png\tsynth/labels/\(name).tsv\tyes\n"
            truths.append(truth)
        }
        rows += "synth/images/missing.png\tsynth/labels/tile5.tsv\tyes\n"
        let path = dir.appendingPathComponent("LIST.tsv").path
        try Data(rows.utf8).write(to: URL(fileURLWithPath: path))
        return (path, truths)
    }

    @Test func truthNucleiAreFoundAndTheRunDoesNotDependOnThreads() throws {
        let (path, truths) = try Self.list()
        let items = try AnnotationList.read(path)
        var options = EvaluationOptions(marker: .ki67, settings: ScoringSettings())
        options.threads = 1
        let one = Evaluator.run(items, options: options)
        options.threads = 2
        let two = Evaluator.run(items, options: options)
        #expect(EvaluationJSON.render(one) == EvaluationJSON.render(two))

        #expect(one.images.count == 2)
        #expect(one.failures.count == 1)
        #expect(one.failures.first?.error == "\(Self.dir.appendingPathComponent("synth/images/missing.png").path): no such file")
        let overall = one.overall
        #expect(overall.counts.points == truths.reduce(0) { $0 + $1.cells.count })
        let recall = try #require(overall.counts.recall)
        #expect(recall > 0.9, "recall \(recall)")
        let precision = try #require(overall.counts.precision)
        #expect(precision > 0.8, "precision \(precision)")
        let agreement = try #require(overall.counts.positivityAgreement)
        #expect(agreement > 0.85, "agreement \(agreement)")
        #expect(overall.index.images == 2)
        // The true index is exactly the painted one.
        for (e, t) in zip(one.images, truths) {
            let painted = 100 * Double(t.cells.filter(\.positive).count) / Double(t.cells.count)
            #expect(e.truthIndex == painted)
            #expect(e.pixelSizeMicrons == 0.5 && e.radiusPixels == 8)
        }
        let mae = try #require(overall.index.meanAbsoluteError)
        #expect(mae < 10, "index MAE \(mae)")
        #expect(one.sources.map(\.name) == ["synth"])
    }

    @Test func overlaysAreWrittenOnePerImage() throws {
        let (path, _) = try Self.list()
        let items = Array(try AnnotationList.read(path).prefix(1))
        var options = EvaluationOptions(marker: .ki67, settings: ScoringSettings())
        options.threads = 2
        options.overlayDirectory = Self.dir.path
        let result = Evaluator.run(items, options: options)
        #expect(result.failures.isEmpty)
        let png = Self.dir.appendingPathComponent("synth__tile5.png").path
        let image = try ImageReader.read(png)
        #expect(image.width == 320 && image.height == 320)
    }
}
