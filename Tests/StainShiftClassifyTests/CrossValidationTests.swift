import Testing
import StainShiftClassify
import StainShiftCohort

/// Cross-validation reports the metrics of the rule the model applies: a threshold chosen by
/// Youden on each fold's training predictions, applied to the held-out fold.
@Suite struct CrossValidationTests {
    /// One feature; 30 negatives on 0-2.9 and 10 positives on 2.5-4.75 (a little overlap). A strong
    /// penalty pulls every probability towards the prior (0.25), so a 0.5 cut-off calls everyone
    /// negative while the Youden cut-off separates the classes.
    static let rows: [[Double?]] = {
        let negatives: [Double] = (0..<30).map { Double($0) * 0.1 }
        let positives: [Double] = (0..<10).map { 2.5 + Double($0) * 0.25 }
        return (negatives + positives).map { [$0] }
    }()
    static let labels: [Int] = [Int](repeating: 0, count: 30) + [Int](repeating: 1, count: 10)
    static let lambda = 20.0

    @Test func foldAccuracyIsThatOfTheTrainingFoldsYoudenThreshold() throws {
        let k = 5, seed: UInt64 = 7
        let (cv, _) = CrossValidation.run(features: ["x"], rows: Self.rows, labels: Self.labels, k: k, lambda: Self.lambda, seed: seed)
        let thresholds = try #require(cv.thresholds)
        #expect(thresholds.count == k && cv.accuracies.count == k)

        // The rule, fold by fold, computed here from its definition.
        let assignment = CrossValidation.folds(labels: Self.labels, k: k, seed: seed)
        var expected: [Double] = [], atHalf: [Double] = [], cuts: [Double] = []
        for f in 0..<k {
            let train = Self.labels.indices.filter { assignment[$0] != f }, test = Self.labels.indices.filter { assignment[$0] == f }
            let model = LogisticModel.fit(features: ["x"], rows: train.map { Self.rows[$0] }, labels: train.map { Self.labels[$0] },
                                          lambda: Self.lambda)
            let cut = CrossValidation.youdenThreshold(train.map { model.probability(Self.rows[$0]) }, train.map { Self.labels[$0] })
            let probabilities = test.map { model.probability(Self.rows[$0]) }, truth = test.map { Self.labels[$0] }
            let correct = zip(probabilities, truth).filter { ($0 >= cut ? 1 : 0) == $1 }.count
            expected.append(Double(correct) / Double(test.count))
            atHalf.append(CrossValidation.accuracy(probabilities, truth, threshold: 0.5))
            cuts.append(cut)
        }
        #expect(thresholds == cuts)
        #expect(cv.accuracies == expected)
        #expect(cv.accuracyMean == expected.reduce(0, +) / Double(k))
        // The dataset does tell the two rules apart: at 0.5 every fold scores its share of negatives.
        #expect(atHalf.allSatisfy { $0 == 0.75 })
        #expect(cv.accuracies != atHalf)
        #expect(cv.accuracyMean > 0.85)
        #expect(cuts.allSatisfy { $0 < 0.5 })
    }

    @Test func finalThresholdIsTheYoudenPointOnAllLabelledPatients() throws {
        // pdl1 TPS from 0 to x: features pdl1.tps.delta and pdl1.tps.post, both x.
        var changes: [ChangeRecord] = [], outcomes: [String: Int] = [:]
        for (i, (row, label)) in zip(Self.rows, Self.labels).enumerated() {
            let patient = "P\(i)"
            changes.append(change(patient, pre: 0, post: row[0] ?? 0, ci: (0, 1)))
            outcomes[patient] = label
        }
        let model = try ModelTrainer.train(changes: changes, outcomes: outcomes, folds: 5, lambda: Self.lambda, seed: 7)
        let table = FeatureTable(changes: changes)
        let probabilities = table.values.map { model.probability($0) }
        let truth = table.patients.map { outcomes[$0] ?? -1 }
        #expect(model.threshold == CrossValidation.youdenThreshold(probabilities, truth))
        #expect(model.threshold < 0.5)
        let cv = try #require(model.crossValidation)
        #expect(cv.thresholds?.count == 5)
    }
}
