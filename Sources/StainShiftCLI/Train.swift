import ArgumentParser
import Foundation
import StainShift

/// `stainshift train LABELLED -o model.json`: a benefit model from a run with outcomes.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit an L2-regularised logistic regression of outcome on change scores and post values, with k-fold cross-validation.",
        discussion: Help.discussion("""
        LABELLED is the output folder of `stainshift run` on a manifest with an `outcome` column (or that \
        folder's changes.tsv): features come from changes.tsv (delta and post of every marker and metric, \
        standardised), labels from groups.tsv's outcome column, or from --labels (CSV/TSV with patient,outcome). \
        Prints the cross-validated AUC and accuracy (mean ± sd over folds) on stderr: each fold refits \
        the model and its Youden threshold on the training folds, and the accuracy is that rule's on the \
        held-out fold.
        """, examples: [
            "stainshift train results/ -o model.json",
            "stainshift train results/ --labels outcomes.csv --folds 10 -o model.json",
        ]))

    @Argument(help: "A run folder (or its changes.tsv).") var labelled: String
    @Option(name: [.short, .customLong("output")], help: "Model JSON, or - for stdout.") var output: String
    @Option(help: "CSV or TSV with patient,outcome (default: LABELLED's groups.tsv).") var labels: String?
    @Option(help: "Cross-validation folds.") var folds: Int = 5
    @Option(help: "L2 penalty on standardised coefficients.") var lambda: Double = 1
    @Option(help: "Seed of the fold assignment.") var seed: UInt64 = 1

    func validate() throws {
        guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2-100") }
        guard lambda.isFinite, lambda >= 0 else { throw ValidationError("--lambda must be 0 or more") }
    }

    func run() throws {
        try failing("train") {
            let files = LabelledData.locate(labelled)
            let changes = try LabelledData.changes(files.changes)
            let outcomes = try LabelledData.outcomes(labels ?? files.groups)
            let model = try ModelTrainer.train(changes: changes, outcomes: outcomes, folds: folds, lambda: lambda, seed: seed)
            try Output.write(model.json(), to: output)
            if let cv = model.crossValidation {
                Stderr.line(String(format: "stainshift train: %d-fold CV AUC %.3f ± %.3f, accuracy %.3f ± %.3f (%d patients, %d with outcome 1, %d features, threshold %.3f)",
                                   cv.folds, cv.aucMean, cv.aucSD, cv.accuracyMean, cv.accuracySD, model.trainedOn, model.positives,
                                   model.features.count, model.threshold))
            }
        }
    }
}
