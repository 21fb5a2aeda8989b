import Foundation
import StainShiftCohort
import StainShiftFoundation

/// k-fold cross-validated AUC and accuracy, mean and standard deviation over folds. Accuracy is
/// that of the rule the model uses: each fold's threshold is the Youden point of the fold model's
/// own training predictions, applied to the held-out patients (`thresholds`, one per fold).
public struct CrossValidationSummary: Sendable, Equatable, Codable {
    public var folds: Int
    public var aucMean: Double
    public var aucSD: Double
    public var accuracyMean: Double
    public var accuracySD: Double
    /// Per-fold values (a fold holding one class only has no AUC and is left out of its mean).
    public var aucs: [Double]
    public var accuracies: [Double]
    /// The threshold each fold applied to its held-out patients (nil in model files written before
    /// accuracy described the thresholded rule, when it was read at a 0.5 cut-off).
    public var thresholds: [Double]?
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case folds, aucs, accuracies, thresholds, seed
        case aucMean = "auc_mean", aucSD = "auc_sd", accuracyMean = "accuracy_mean", accuracySD = "accuracy_sd"
    }

    public init(folds: Int, aucMean: Double, aucSD: Double, accuracyMean: Double, accuracySD: Double,
                aucs: [Double], accuracies: [Double], thresholds: [Double]? = nil, seed: UInt64) {
        self.folds = folds; self.aucMean = aucMean; self.aucSD = aucSD; self.accuracyMean = accuracyMean
        self.accuracySD = accuracySD; self.aucs = aucs; self.accuracies = accuracies; self.thresholds = thresholds
        self.seed = seed
    }
}

public enum CrossValidation {
    /// Stratified k-fold assignment: each class is shuffled with a seeded generator and dealt
    /// round-robin, so every fold keeps the class balance.
    public static func folds(labels: [Int], k: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed, labels: ["cv-folds"])
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        for cls in [0, 1] {
            var idx = labels.indices.filter { labels[$0] == cls }
            for i in stride(from: idx.count - 1, to: 0, by: -1) { idx.swapAt(i, rng.unbiasedBelow(i + 1)) }
            for i in idx { fold[i] = next % k; next += 1 }
        }
        return fold
    }

    /// Trains on k-1 folds and tests on the held-out fold, k times. The whole rule is refitted in
    /// each fold, threshold included (Youden on the training folds' own predictions, as
    /// `ModelTrainer.train` chooses the final one), so the held-out accuracy is that of the rule in
    /// use and no held-out patient helps choose its own cut-off. Also returns the pooled
    /// out-of-fold probabilities.
    public static func run(features: [String], rows: [[Double?]], labels: [Int], k: Int, lambda: Double,
                           seed: UInt64) -> (CrossValidationSummary, [Double]) {
        let assignment = folds(labels: labels, k: k, seed: seed)
        var aucs: [Double] = [], accs: [Double] = [], thresholds: [Double] = []
        var oof = [Double](repeating: .nan, count: labels.count)
        for f in 0..<k {
            let train = labels.indices.filter { assignment[$0] != f }, test = labels.indices.filter { assignment[$0] == f }
            guard !test.isEmpty, !train.isEmpty else { continue }
            let model = LogisticModel.fit(features: features, rows: train.map { rows[$0] },
                                          labels: train.map { labels[$0] }, lambda: lambda)
            let threshold = youdenThreshold(train.map { model.probability(rows[$0]) }, train.map { labels[$0] })
            let probs = test.map { model.probability(rows[$0]) }
            for (i, p) in zip(test, probs) { oof[i] = p }
            let truth = test.map { labels[$0] }
            if let a = auc(probs, truth) { aucs.append(a) }
            accs.append(accuracy(probs, truth, threshold: threshold))
            thresholds.append(threshold)
        }
        let (am, asd) = meanSD(aucs), (cm, csd) = meanSD(accs)
        return (CrossValidationSummary(folds: k, aucMean: am, aucSD: asd, accuracyMean: cm, accuracySD: csd,
                                       aucs: aucs, accuracies: accs, thresholds: thresholds, seed: seed), oof)
    }

    /// Share of patients whose call (probability at or above `threshold`: 1) equals their label.
    public static func accuracy(_ probabilities: [Double], _ labels: [Int], threshold: Double) -> Double {
        guard !labels.isEmpty else { return .nan }
        return Double(zip(probabilities, labels).filter { ($0 >= threshold ? 1 : 0) == $1 }.count) / Double(labels.count)
    }

    /// Area under the ROC curve = Mann-Whitney U / (n1 n0), ties counted half; nil with one class.
    public static func auc(_ scores: [Double], _ labels: [Int]) -> Double? {
        let pos = zip(scores, labels).filter { $0.1 == 1 }.map(\.0), neg = zip(scores, labels).filter { $0.1 == 0 }.map(\.0)
        guard !pos.isEmpty, !neg.isEmpty else { return nil }
        var u = 0.0
        for p in pos { for q in neg { u += p > q ? 1 : (p == q ? 0.5 : 0) } }
        return u / Double(pos.count * neg.count)
    }

    /// Threshold maximising Youden's J (sensitivity + specificity - 1) over the given scores.
    public static func youdenThreshold(_ scores: [Double], _ labels: [Int]) -> Double {
        let pairs = zip(scores, labels).filter { $0.0.isFinite }
        let npos = Double(pairs.filter { $0.1 == 1 }.count), nneg = Double(pairs.filter { $0.1 == 0 }.count)
        guard npos > 0, nneg > 0 else { return 0.5 }
        var best = (j: -2.0, t: 0.5)
        for t in Set(pairs.map(\.0)).sorted() {
            let tp = Double(pairs.filter { $0.0 >= t && $0.1 == 1 }.count), tn = Double(pairs.filter { $0.0 < t && $0.1 == 0 }.count)
            let j = tp / npos + tn / nneg - 1
            if j > best.j { best = (j, t) }
        }
        return best.t
    }

    static func meanSD(_ v: [Double]) -> (Double, Double) {
        guard !v.isEmpty else { return (.nan, .nan) }
        let m = v.reduce(0, +) / Double(v.count)
        guard v.count > 1 else { return (m, 0) }
        return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
    }
}

/// Fitting a benefit model from labelled change scores.
public enum ModelTrainer {
    /// Fits on every labelled patient after k-fold cross-validation; the threshold is the Youden
    /// point of the model's predictions on those patients, the rule each cross-validation fold
    /// applies to its held-out patients.
    public static func train(changes: [ChangeRecord], outcomes: [String: Int], folds k: Int = 5, lambda: Double = 1,
                             seed: UInt64 = 1) throws(ClassifyError) -> LogisticModel {
        let table = FeatureTable(changes: changes)
        let keep = table.patients.indices.filter { outcomes[table.patients[$0]] != nil }
        let labels = keep.compactMap { outcomes[table.patients[$0]] }
        let rows = keep.map { table.values[$0] }
        let npos = labels.filter { $0 == 1 }.count
        guard npos >= k, labels.count - npos >= k else {
            throw ClassifyError(path: "labels", reason: "need at least \(k) patients of each outcome for \(k)-fold cross-validation (have \(npos) with outcome 1, \(labels.count - npos) with 0)")
        }
        let (cv, _) = CrossValidation.run(features: table.names, rows: rows, labels: labels, k: k, lambda: lambda, seed: seed)
        var model = LogisticModel.fit(features: table.names, rows: rows, labels: labels, lambda: lambda)
        model.threshold = CrossValidation.youdenThreshold(rows.map { model.probability($0) }, labels)
        model.crossValidation = cv
        return model
    }

    /// Adds `probability` to each call from the model.
    public static func apply(_ model: LogisticModel, changes: [ChangeRecord], to calls: inout [PatientCall]) {
        let table = FeatureTable(changes: changes, names: model.features)
        var byPatient: [String: [Double?]] = [:]
        for (p, row) in zip(table.patients, table.values) { byPatient[p] = row }
        for i in calls.indices {
            if let row = byPatient[calls[i].patient] { calls[i].probability = model.probability(row) }
        }
    }
}
