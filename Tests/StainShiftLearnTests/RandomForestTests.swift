import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftLearn

/// The forest on synthetic feature tables: it learns what is learnable, gives the same bytes
/// whatever the thread count, and its model file round-trips.
@Suite struct RandomForestTests {
    /// Three Gaussian classes in `d` dimensions, separable on features 0 and 1 only (the rest noise),
    /// with class sizes in the ratio 6:2:1 and `groups` images.
    static func blobs(_ n: Int, d: Int = CellFeatures.dimension, groups: Int = 6, seed: UInt64 = 3) -> LabelledCells {
        var rng = SplitMix64(seed: seed)
        var cells = LabelledCells(classNames: ["stroma", "tumour", "lymphocyte"])
        for i in 0..<n {
            let u = rng.uniform()
            let label = u < 6.0 / 9 ? 0 : u < 8.0 / 9 ? 1 : 2
            let centre: [Double] = [[0, 0], [6, 0], [0, 6]][label]
            var row = [Float](repeating: 0, count: d)
            for k in 0..<d { row[k] = Float((k < 2 ? centre[k] : 0) + rng.normal()) }
            cells.features += row
            cells.labels.append(label)
            cells.groups.append(i % groups)
        }
        cells.groupNames = (0..<groups).map { "image\($0)" }
        return cells
    }

    @Test func learnsASeparableProblemAndRanksTheInformativeFeaturesFirst() {
        let train = Self.blobs(3000, d: 6), test = Self.blobs(1500, d: 6, seed: 99)
        let forest = RandomForest.train(x: train.features, labels: train.labels, featureCount: 6, classCount: 3,
                                        parameters: ForestParameters(trees: 30, maxDepth: 8, minLeaf: 3, seed: 1))
        let predicted = forest.predict(test.features)
        let correct = zip(predicted, test.labels).filter { $0 == $1 }.count
        #expect(Double(correct) / Double(test.count) > 0.95, "accuracy \(Double(correct) / Double(test.count))")
        // Balanced class weights: the smallest class is recalled as well as the largest.
        let small = zip(predicted, test.labels).filter { $1 == 2 }
        #expect(Double(small.filter { $0 == $1 }.count) / Double(small.count) > 0.93)
        #expect(abs(forest.importance.reduce(0, +) - 1) < 1e-9)
        let top2 = forest.importance.enumerated().sorted { $0.element > $1.element }.prefix(2).map(\.offset)
        #expect(Set(top2) == [0, 1], "importance \(forest.importance)")
        for tree in forest.trees { #expect(tree.problem(featureCount: 6, classCount: 3) == nil) }
    }

    /// The balanced bootstrap: every tree grown on as many cells of each class as the smallest
    /// class has (its leaves count about a third of the plain forest's cells here), the same bytes
    /// whatever the thread count, the option recorded in the model and an old model (no key) plain.
    @Test func theBalancedBootstrapDrawsEveryClassAlikeAndIsRecorded() throws {
        let cells = Self.blobs(3000, d: 6), test = Self.blobs(1500, d: 6, seed: 99)
        let balanced = ForestParameters(trees: 20, maxDepth: 8, minLeaf: 3, seed: 1, balancedBootstrap: true)
        func forest(_ p: ForestParameters, threads: Int?) -> RandomForest {
            let previous = Parallel.setThreadLimit(threads)
            defer { Parallel.setThreadLimit(previous) }
            return RandomForest.train(x: cells.features, labels: cells.labels, featureCount: 6, classCount: 3, parameters: p)
        }
        let one = forest(balanced, threads: 1), two = forest(balanced, threads: 2)
        #expect(one == two)
        let plain = forest(ForestParameters(trees: 20, maxDepth: 8, minLeaf: 3, seed: 1), threads: nil)
        #expect(one != plain)
        let predicted = one.predict(test.features)
        for c in 0..<3 {
            let of = zip(predicted, test.labels).filter { $1 == c }
            #expect(Double(of.filter { $0 == $1 }.count) / Double(of.count) > 0.93, "class \(c)")
        }
        // A tree's root holds its bootstrap: with 1 split level, the two leaves' sample counts are
        // not stored, but the smaller tree shows in fewer nodes than the plain forest's on the same depth.
        let nodes = one.trees.reduce(0) { $0 + $1.feature.count }, plainNodes = plain.trees.reduce(0) { $0 + $1.feature.count }
        #expect(nodes < plainNodes, "balanced \(nodes) nodes, plain \(plainNodes)")
        let model = CellClassifierTrainer.train(Self.blobs(600), parameters: ForestParameters(trees: 3, seed: 2, balancedBootstrap: true),
                                                folds: 1, stainshiftVersion: "test")
        #expect(model.json().contains("\"balanced_bootstrap\":true"))
        let read = try CellClassifierModel.parse(Data(model.json().utf8), path: "m.json")
        #expect(read.parameters.balancedBootstrap == true)
        let old = model.json().replacingOccurrences(of: "\"balanced_bootstrap\":true,", with: "")
        #expect(!old.contains("balanced_bootstrap"))
        #expect(try CellClassifierModel.parse(Data(old.utf8), path: "old.json").parameters.balancedBootstrap == nil)
    }

    /// Vote weights learnt from the out-of-fold probabilities bring the classes' cross-validated
    /// recalls together on an overlapping, imbalanced problem; the model applies them.
    @Test func voteWeightsFromTheCrossValidationEqualiseTheRecalls() throws {
        var rng = SplitMix64(seed: 5)
        var cells = LabelledCells(classNames: ["stroma", "tumour"])
        for i in 0..<2400 {
            let label = rng.uniform() < 0.8 ? 0 : 1
            // Image i % 8 shifts feature 0 a little: what one image teaches holds only roughly on another.
            let shift = Double(i % 8) * 0.1
            cells.features += [Float((label == 0 ? 0 : 1.2) + shift + rng.normal()), Float(rng.normal())]
                + [Float](repeating: 0, count: CellFeatures.dimension - 2)
            cells.labels.append(label); cells.groups.append(i % 8)
        }
        cells.groupNames = (0..<8).map { "image\($0)" }
        let p = ForestParameters(trees: 20, maxDepth: 6, minLeaf: 5, seed: 3)
        let plain = CellClassifierTrainer.train(cells, parameters: p, folds: 4, stainshiftVersion: "test")
        let calibrated = CellClassifierTrainer.train(cells, parameters: p, folds: 4, stainshiftVersion: "test", calibrateVotes: true)
        #expect(plain.voteWeights == nil)
        let weights = try #require(calibrated.voteWeights)
        #expect(weights.count == 2 && weights.allSatisfy { $0 >= 0.5 && $0 <= 2 })
        let before = try #require(plain.training.crossValidation).recall.compactMap { $0 }
        let after = try #require(calibrated.training.crossValidation).recall.compactMap { $0 }
        #expect(abs(after[0] - after[1]) <= abs(before[0] - before[1]), "recalls \(before) -> \(after)")
        #expect(after.min()! >= before.min()!)
        // Same trees (the weights change only the vote), and the classifier votes with the weights.
        #expect(calibrated.trees == plain.trees)
        let features = CellFeatures(values: cells.features, count: cells.count)
        #expect(RandomForestCellClassifier(model: calibrated).classify(features) == calibrated.forest.predict(cells.features, weights: weights))
        let read = try CellClassifierModel.parse(Data(calibrated.json().utf8), path: "m.json")
        #expect(read.voteWeights == weights)
        var bad = calibrated
        bad.voteWeights = [1]
        #expect(throws: CellModelError.self) { _ = try CellClassifierModel.parse(Data(bad.json().utf8), path: "bad.json") }
    }

    @Test func theSameModelBytesWhateverTheThreadCountAndRun() {
        let cells = Self.blobs(2000)
        let p = ForestParameters(trees: 12, maxDepth: 8, minLeaf: 5, seed: 42)
        func model(threads: Int?) -> String {
            let previous = Parallel.setThreadLimit(threads)
            defer { Parallel.setThreadLimit(previous) }
            return CellClassifierTrainer.train(cells, parameters: p, folds: 3, stainshiftVersion: "test").json()
        }
        let one = model(threads: 1), two = model(threads: 2), all = model(threads: nil), again = model(threads: nil)
        #expect(one == two)
        #expect(one == all)
        #expect(all == again)
        var other = p
        other.seed = 43
        #expect(CellClassifierTrainer.train(cells, parameters: other, folds: 3, stainshiftVersion: "test").json() != one)
    }

    @Test func crossValidationNeverSplitsAnImageAndStratifiesTheFolds() throws {
        let cells = Self.blobs(1800, groups: 12)
        let (k, ofGroup) = CellClassifierTrainer.folds(cells, folds: 4, seed: 1)
        #expect(k == 4)
        #expect(ofGroup.count == 12)
        for f in 0..<4 {
            let members = Set(ofGroup.indices.filter { ofGroup[$0] == f })
            #expect(members.count == 3, "fold \(f): \(members)")
            let labels = cells.subset(groups: members).labels
            for c in 0..<3 { #expect(labels.contains(c)) }
        }
        // Fewer images than folds: as many folds as images.
        #expect(CellClassifierTrainer.folds(Self.blobs(100, groups: 2), folds: 5, seed: 1).folds == 2)
        let cv = try #require(CellClassifierTrainer.crossValidate(cells, folds: 4, parameters: ForestParameters(trees: 30, seed: 2)))
        #expect(cv.confusion.reduce(0) { $0 + $1.reduce(0, +) } == cells.count)
        for c in 0..<3 {
            #expect((cv.recall[c] ?? 0) > 0.85, "recall \(cv.recall)")
            #expect((cv.precision[c] ?? 0) > 0.8, "precision \(cv.precision)")
        }
        #expect(CellClassifierTrainer.crossValidate(Self.blobs(100, groups: 1), folds: 5, parameters: ForestParameters()) == nil)
    }

    @Test func aModelRoundTripsThroughJSONAndPredictsTheSame() throws {
        let cells = Self.blobs(1200)
        let model = CellClassifierTrainer.train(cells, parameters: ForestParameters(trees: 8, seed: 5), folds: 3,
                                                stainshiftVersion: "9.9.9", marker: "ki67")
        let text = model.json()
        let back = try CellClassifierModel.parse(Data(text.utf8), path: "m.json")
        #expect(back == model)
        #expect(back.json() == text)
        #expect(back.classes.map(\.role) == [.stroma, .tumour, .lymphocyte])
        #expect(back.training.cellsPerClass == cells.cellsPerClass)
        #expect(back.training.images == 6)
        #expect(back.training.crossValidation?.folds == 3)
        #expect(back.training.importance.count == CellFeatures.dimension)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["format_version"] as? Int == 1)
        #expect(object["stainshift_version"] as? String == "9.9.9")
        #expect((object["features"] as? [String])?.first == "Nucleus: Area µm^2")
        let classifier = RandomForestCellClassifier(model: back)
        let features = CellFeatures(values: cells.features, count: cells.count)
        #expect(classifier.classify(features) == model.forest.predict(cells.features))
        #expect(classifier.classNames == ["stroma", "tumour", "lymphocyte"])
    }

    @Test func classNamesMapToScoringRolesCaseInsensitively() {
        for name in ["Tumor", "tumour", "Epithelium", "epithelial", "positive", "Negative", "Tumor: Positive", "tumours"] {
            #expect(ModelClass.role(of: name) == .tumour, "\(name)")
        }
        for name in ["Lymphocyte", "lymphocytes", "Immune cells", "macrophage", "Plasma"] {
            #expect(ModelClass.role(of: name) == .lymphocyte, "\(name)")
        }
        for name in ["Stroma", "stromal", "Fibroblast", "endothelium"] { #expect(ModelClass.role(of: name) == .stroma, "\(name)") }
        for name in ["other", "Necrosis", "glass", ""] { #expect(ModelClass.role(of: name) == .other, "\(name)") }
    }
}
