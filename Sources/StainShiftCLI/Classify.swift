import ArgumentParser
import Foundation
import StainShift

/// `stainshift classify CHANGES --model model.json`: benefit probabilities for new patients.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a benefit probability per patient from a trained model, or print the default classifier config.",
        discussion: Help.discussion(
            "Writes a TSV: patient, probability (4 decimals), call (likely when probability >= the model's threshold, else unlikely).",
            examples: [
                "stainshift classify results/ --model model.json",
                "stainshift classify results/changes.tsv --model model.json -o calls.tsv",
                "stainshift classify --print-config > classifier.json",
            ]))

    @Argument(help: "changes.tsv of a run (or the run folder).") var changes: String?
    @Option(help: "Model from `stainshift train`.") var model: String?
    @Option(name: [.short, .customLong("output")], help: "Output TSV, or - for stdout.") var output: String = "-"
    @Flag(help: "Print the default classifier config (thresholds, signals, benefit rules) as JSON and exit.") var printConfig = false

    func validate() throws {
        if !printConfig && (changes == nil || model == nil) { throw ValidationError("give CHANGES and --model (or --print-config)") }
    }

    func run() throws {
        try failing("classify") {
            if printConfig { return try Output.write(ClassifierConfig().json() + "\n", to: output) }
            guard let changes, let model else { return }
            let m = try LogisticModel.load(model)
            let records = try LabelledData.changes(LabelledData.locate(changes).changes)
            var calls = Set(records.map(\.patient)).sorted().map {
                PatientCall(patient: $0, pdl1Group: .insufficient, tpsPre: nil, tpsPost: nil, tpsCategoryPre: nil, tpsCategoryPost: nil,
                            benefit: .indeterminate, rule: "", rationale: "", probability: nil, flags: [])
            }
            ModelTrainer.apply(m, changes: records, to: &calls)
            var text = "patient\tprobability\tcall\n"
            for c in calls {
                let p = c.probability
                text += "\(c.patient)\t\(Tables.number(p))\t\(p.map { $0 >= m.threshold ? "likely" : "unlikely" } ?? "NA")\n"
            }
            try Output.write(text, to: output)
        }
    }
}
