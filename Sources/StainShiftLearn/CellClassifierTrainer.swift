import Foundation
import StainShiftCells
import StainShiftFoundation

/// Labelled cells to train on: feature rows, a class index and an image (group) per cell.
public struct LabelledCells: Sendable, Equatable {
    public var classNames: [String]
    /// `CellFeatures.dimension` values per cell, row-major.
    public var features: [Float]
    public var labels: [Int]
    /// The image each cell comes from (cross-validation never splits an image).
    public var groups: [Int]
    public var groupNames: [String]

    public init(classNames: [String], features: [Float] = [], labels: [Int] = [], groups: [Int] = [], groupNames: [String] = []) {
        self.classNames = classNames; self.features = features; self.labels = labels
        self.groups = groups; self.groupNames = groupNames
    }

    public var count: Int { labels.count }

    public var cellsPerClass: [Int] {
        var n = [Int](repeating: 0, count: classNames.count)
        for l in labels { n[l] += 1 }
        return n
    }

    /// The cells of the given groups (class names kept).
    public func subset(groups keep: Set<Int>) -> LabelledCells {
        var out = LabelledCells(classNames: classNames, groupNames: groupNames)
        let d = CellFeatures.dimension
        for i in 0..<count where keep.contains(groups[i]) {
            out.features += features[(i * d)..<((i + 1) * d)]
            out.labels.append(labels[i]); out.groups.append(groups[i])
        }
        return out
    }
}

/// Trains and cross-validates random-forest cell classifiers.
public enum CellClassifierTrainer {
    /// The fold of every group: stratified and grouped (as scikit-learn's StratifiedGroupKFold).
    /// Groups are shuffled with the seed, then taken largest first, each into the fold whose class
    /// proportions it brings closest to the overall ones (fewest cells on a tie). With fewer groups
    /// than folds, as many folds as groups.
    public static func folds(_ cells: LabelledCells, folds requested: Int, seed: UInt64) -> (folds: Int, ofGroup: [Int]) {
        let groupCount = (cells.groups.max() ?? -1) + 1
        let k = cells.classNames.count
        let folds = max(1, min(requested, groupCount))
        var perGroup = [[Int]](repeating: [Int](repeating: 0, count: k), count: groupCount)
        for (l, g) in zip(cells.labels, cells.groups) { perGroup[g][l] += 1 }
        let total = cells.cellsPerClass.map { max(Double($0), 1) }
        var order = Array(0..<groupCount)
        var rng = SplitMix64(seed: seed, stream: 0xF01D)
        rng.shuffle(&order)
        order = order.enumerated().sorted { a, b in
            let na = perGroup[a.element].reduce(0, +), nb = perGroup[b.element].reduce(0, +)
            return na != nb ? na > nb : a.offset < b.offset
        }.map(\.element)
        var foldCounts = [[Int]](repeating: [Int](repeating: 0, count: k), count: folds)
        var ofGroup = [Int](repeating: 0, count: groupCount)
        for g in order {
            var best = 0, bestCost = Double.infinity, bestSize = Int.max
            for f in 0..<folds {
                // Spread of the class fractions across folds after adding g to f.
                var cost = 0.0
                for c in 0..<k {
                    var mean = 0.0
                    var fr = [Double](repeating: 0, count: folds)
                    for h in 0..<folds { fr[h] = Double(foldCounts[h][c] + (h == f ? perGroup[g][c] : 0)) / total[c]; mean += fr[h] }
                    mean /= Double(folds)
                    for h in 0..<folds { cost += (fr[h] - mean) * (fr[h] - mean) }
                }
                let size = foldCounts[f].reduce(0, +)
                if cost < bestCost - 1e-12 || (abs(cost - bestCost) <= 1e-12 && size < bestSize) {
                    best = f; bestCost = cost; bestSize = size
                }
            }
            ofGroup[g] = best
            for c in 0..<k { foldCounts[best][c] += perGroup[g][c] }
        }
        return (folds, ofGroup)
    }

    /// K-fold cross-validation grouped by image: each fold's cells predicted by a forest grown on
    /// the other folds (same parameters). nil with fewer than two images.
    public static func crossValidate(_ cells: LabelledCells, folds requested: Int, parameters: ForestParameters) -> CrossValidationSummary? {
        outOfFold(cells, folds: requested, parameters: parameters).map { summary(cells, $0) }
    }

    /// The cross-validation's confusion of out-of-fold probabilities, weighted as `RandomForest.predict`.
    static func summary(_ cells: LabelledCells, _ oof: (folds: Int, probabilities: [Float]), weights: [Double]? = nil) -> CrossValidationSummary {
        let classes = cells.classNames.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        let predicted = RandomForest.argmax(oof.probabilities, classCount: classes, weights: weights)
        for (i, truth) in cells.labels.enumerated() where i < predicted.count && !oof.probabilities[i * classes..<((i + 1) * classes)].allSatisfy({ $0 < 0 }) {
            confusion[truth][predicted[i]] += 1
        }
        return CrossValidationSummary(folds: oof.folds, confusion: confusion)
    }

    /// Every cell's class probabilities from the forest grown without its fold (grouped k-fold
    /// as `crossValidate`); -1 for the cells of a fold that could not be predicted. nil with fewer
    /// than two images.
    public static func outOfFold(_ cells: LabelledCells, folds requested: Int, parameters: ForestParameters) -> (folds: Int, probabilities: [Float])? {
        let (k, ofGroup) = folds(cells, folds: requested, seed: parameters.seed)
        guard k >= 2 else { return nil }
        let classes = cells.classNames.count
        var out = [Float](repeating: -1, count: cells.count * classes)
        for f in 0..<k {
            let trainGroups = Set(ofGroup.indices.filter { ofGroup[$0] != f }), testGroups = Set(ofGroup.indices.filter { ofGroup[$0] == f })
            let train = cells.subset(groups: trainGroups)
            let rows = cells.groups.indices.filter { testGroups.contains(cells.groups[$0]) }
            guard train.count > 0, !rows.isEmpty else { continue }
            var p = parameters
            p.seed = parameters.seed &+ UInt64(f + 1) &* 0x9E37_79B9
            let forest = RandomForest.train(x: train.features, labels: train.labels, featureCount: CellFeatures.dimension,
                                            classCount: classes, parameters: p)
            let test = cells.subset(groups: testGroups)
            let probabilities = forest.probabilities(test.features)
            for (j, i) in rows.enumerated() {
                for c in 0..<classes { out[i * classes + c] = probabilities[j * classes + c] }
            }
        }
        return (k, out)
    }

    /// Vote weights that make the classes' out-of-fold recalls as equal as they can be: a forest
    /// grown on some images favours its larger classes on others (EndoNuke, half/half: stroma
    /// 0.88, epithelium 0.80 at equal votes), so each class's probability is multiplied by a
    /// weight learnt from the training images alone. Coordinate ascent, three sweeps over the
    /// classes in index order, each weight on the grid 2^(j/20), j = -20...20: the one with the
    /// highest lowest recall, then the highest mean recall, then the one nearest 1.
    public static func voteWeights(_ cells: LabelledCells, _ oof: (folds: Int, probabilities: [Float])) -> [Double] {
        let k = cells.classNames.count
        var weights = [Double](repeating: 1, count: k)
        func score(_ w: [Double]) -> (Double, Double) {
            let recall = summary(cells, oof, weights: w).recall.compactMap { $0 }
            return (recall.min() ?? 0, recall.reduce(0, +) / Double(max(recall.count, 1)))
        }
        for _ in 0..<3 {
            for c in 0..<k {
                var best = weights[c], bestScore = score(weights), bestStep = Int.max
                for j in -20...20 {
                    var w = weights
                    w[c] = pow(2, Double(j) / 20)
                    let s = score(w)
                    if s.0 > bestScore.0 + 1e-12 || (abs(s.0 - bestScore.0) <= 1e-12 && (s.1 > bestScore.1 + 1e-12
                        || (abs(s.1 - bestScore.1) <= 1e-12 && abs(j) < bestStep))) {
                        best = w[c]; bestScore = s; bestStep = abs(j)
                    }
                }
                weights[c] = best
            }
        }
        return weights.map { ($0 * 1e6).rounded() / 1e6 }
    }

    /// A model on all the cells, with its cross-validation (`folds` < 2: none) and importances.
    /// With `calibrateVotes` and a cross-validation, the model's vote weights (`voteWeights`) are
    /// learnt from the out-of-fold probabilities, and the cross-validation is reported with them.
    public static func train(_ cells: LabelledCells, parameters: ForestParameters, folds: Int,
                             stainshiftVersion: String, marker: String? = nil, calibrateVotes: Bool = false) -> CellClassifierModel {
        let oof = folds >= 2 ? outOfFold(cells, folds: folds, parameters: parameters) : nil
        let weights = calibrateVotes ? oof.map { voteWeights(cells, $0) } : nil
        let cv = oof.map { Self.summary(cells, $0, weights: weights) }
        let forest = RandomForest.train(x: cells.features, labels: cells.labels, featureCount: CellFeatures.dimension,
                                        classCount: cells.classNames.count, parameters: parameters)
        let importance = zip(CellFeatures.names, forest.importance).map { FeatureImportance(feature: $0, importance: ($1 * 1e4).rounded() / 1e4) }
            .enumerated().sorted { $0.element.importance != $1.element.importance ? $0.element.importance > $1.element.importance : $0.offset < $1.offset }
            .map(\.element)
        let summary = TrainingSummary(cellsPerClass: cells.cellsPerClass, images: Set(cells.groups).count, marker: marker,
                                      crossValidation: cv, importance: importance)
        var model = CellClassifierModel(stainshiftVersion: stainshiftVersion,
                                        classes: cells.classNames.map { ModelClass(name: $0, role: ModelClass.role(of: $0)) },
                                        parameters: parameters, training: summary, trees: forest.trees)
        model.voteWeights = weights
        return model
    }
}
