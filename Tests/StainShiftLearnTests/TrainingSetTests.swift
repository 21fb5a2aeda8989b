import Foundation
import Testing
import StainShiftEvaluation
import StainShiftImaging
import StainShiftPipeline
import StainShiftScoring
import StainShiftSynth
@testable import StainShiftLearn

/// Labelled cells from an annotation list of synthetic tiles: points and polygons label the
/// detected cells, and a forest trained on them tells tumour cells from lymphocytes.
@Suite(.serialized) struct TrainingSetTests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ss-learn-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d.appendingPathComponent("images"), withIntermediateDirectories: true)
        return d
    }()

    /// Three Ki67 tiles with every truth nucleus a point labelled by its class (Tumor / Lymphocyte,
    /// or positive/negative on the third), and a fourth tile labelled by one GeoJSON polygon.
    static let list: (path: String, truths: [TileTruth]) = {
        var rows = "image\tannotations\n", truths: [TileTruth] = []
        for seed in [UInt64(21), 22, 23, 24] {
            var spec = TileSpec(marker: .ki67, width: 320, height: 320, positiveFraction: 0.4)
            spec.lymphocyteFraction = 0.3
            let (image, truth) = SyntheticTile.generate(spec, seed: seed)
            try? ImageWriter.writePNG(image, to: dir.appendingPathComponent("images/t\(seed).png").path)
            let labels: String
            if seed == 24 {
                labels = "t\(seed).geojson"
                let square = "[[0,0],[160,0],[160,320],[0,320],[0,0]]"
                let json = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[\#(square)]},"properties":{"classification":{"name":"Stroma"}}}]}"#
                try? Data(json.utf8).write(to: dir.appendingPathComponent(labels))
            } else {
                labels = "t\(seed).tsv"
                var tsv = "x\ty\tlabel\n"
                for c in truth.cells {
                    let name = c.cellClass == .lymphocyte ? "Lymphocyte" : seed == 23 ? (c.positive ? "positive" : "negative") : "Tumor"
                    tsv += "\(c.centroidX)\t\(c.centroidY)\t\(name)\n"
                }
                tsv += "-50\t-50\tTumor\n"   // hits nothing
                try? Data(tsv.utf8).write(to: dir.appendingPathComponent(labels))
            }
            rows += "images/t\(seed).png\t\(labels)\n"
            truths.append(truth)
        }
        let path = dir.appendingPathComponent("LIST.tsv").path
        try? Data(rows.utf8).write(to: URL(fileURLWithPath: path))
        return (path, truths)
    }()

    @Test func pointsAndPolygonsLabelCellsAndAForestSeparatesThem() throws {
        let items = try AnnotationList.read(Self.list.path)
        let options = CellTrainingOptions(marker: .ki67, settings: ScoringSettings())
        let set = CellTrainingSet.build(items, options: options)
        #expect(set.failures.isEmpty)
        #expect(set.cells.classNames == ["lymphocyte", "stroma", "tumour"])
        #expect(set.cells.features.count == set.cells.count * CellFeatures.dimension)
        for (image, truth) in zip(set.images.prefix(3), Self.list.truths) {
            #expect(image.unmatchedPoints >= 1)
            #expect(Double(image.classNames.count) > 0.85 * Double(truth.cells.count), "\(image.classNames.count) of \(truth.cells.count)")
        }
        // The polygon: exactly the cells whose centre lies in the left half.
        let analysis = TileScorer.analyse(try ImageReader.read(items[3].imagePath), name: "t24", marker: .ki67, settings: ScoringSettings())
        let inside = analysis.segmentation.cells.filter { $0.centroidX < 160 }.count
        #expect(set.images[3].classNames == [String](repeating: "stroma", count: inside))
        // Tumour vs lymphocyte on the first three images, cross-validated by image.
        let tl = set.cells.subset(groups: [0, 1, 2])
        var two = LabelledCells(classNames: ["lymphocyte", "tumour"], groupNames: tl.groupNames)
        for i in 0..<tl.count where tl.labels[i] != 1 {
            two.features += tl.features[(i * CellFeatures.dimension)..<((i + 1) * CellFeatures.dimension)]
            two.labels.append(tl.labels[i] == 0 ? 0 : 1); two.groups.append(tl.groups[i])
        }
        let cv = try #require(CellClassifierTrainer.crossValidate(two, folds: 3, parameters: ForestParameters(trees: 30, seed: 1)))
        #expect((cv.recall[0] ?? 0) > 0.8, "lymphocyte recall \(cv.recall)")
        #expect((cv.recall[1] ?? 0) > 0.9, "tumour recall \(cv.recall)")
    }

    @Test func aMissingImageIsAFailureNamingIt() throws {
        let path = Self.dir.appendingPathComponent("MISSING.tsv").path
        _ = Self.list
        try Data("image\tannotations\nimages/gone.png\tt21.tsv\n".utf8).write(to: URL(fileURLWithPath: path))
        let set = CellTrainingSet.build(try AnnotationList.read(path), options: CellTrainingOptions(marker: .ki67, settings: ScoringSettings()))
        #expect(set.failures.map { $0.error } == ["\(Self.dir.appendingPathComponent("images/gone.png").path): no such file"])
        #expect(set.cells.count == 0)
    }
}
