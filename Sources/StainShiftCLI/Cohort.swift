import ArgumentParser
import Foundation
import StainShift

/// Options of the gather half (`run`, `cohort`): bootstrap, classifier config and model.
struct CohortFlags: ParsableArguments {
    @Option(help: "Bootstrap resamples for the change intervals (0: none).") var bootstrap: Int = Bootstrap.defaultResamples
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = Bootstrap.defaultSeed
    @Option(help: "Classifier config JSON (thresholds, immunogenic signals, benefit rules); see `stainshift classify --print-config`.")
    var config: String?
    @Option(help: "Model from `stainshift train`: adds a benefit probability per patient.") var model: String?
    @Option(help: "Folder of Mustache templates replacing the report's built-in ones of the same name (docs/REPORT-TEMPLATES.md).")
    var templates: String?

    func validate() throws {
        guard (0...1_000_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be 0-1000000") }
    }

    func settings(_ command: String, threads: Int) throws -> CohortSettings {
        var s = CohortSettings()
        s.resamples = bootstrap
        s.seed = seed
        s.threads = threads
        do {
            if let config { s.config = try ClassifierConfig.load(config) }
            if let model { s.model = try LogisticModel.load(model) }
            if let templates { s.report.templates = try ReportTemplates(directory: templates) }
        } catch {
            throw CommandFailure(command: command, detail: "\(error)", code: 64)
        }
        return s
    }
}

/// `stainshift cohort PART.json... --manifest MANIFEST -o OUTDIR`: the gather half of `run`.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Combine slide parts from `stainshift score-slide` into the tables and report `stainshift run` writes.",
        discussion: Help.discussion(
            "Tables are byte-identical to `stainshift run` on the same manifest. A manifest slide without a part is listed in failures.tsv.",
            examples: [
                "stainshift cohort parts/*.json --manifest manifest.tsv -o results/",
                "stainshift cohort parts/*.json --manifest m.tsv -o results/ --keep-going",
            ], exits: Help.batch))

    @Argument(help: "Part files from `stainshift score-slide`.") var parts: [String]
    @Option(help: "The manifest the parts were scored from.") var manifest: String
    @Option(name: [.short, .customLong("output")], help: "Output folder.") var output: String
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Marker config JSON, as given to score-slide.") var markers: String?
    @Flag(help: "Exit 0 even when some inputs failed.") var keepGoing = false
    @Flag(help: "No summary on stderr.") var quiet = false
    @OptionGroup var cohort: CohortFlags

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard !parts.isEmpty else { throw ValidationError("give at least one part file") }
    }

    func run() throws {
        try failing("cohort") {
            let engine = try ScoringFlags.engine("cohort", markers: markers, background: nil)
            let settings = try cohort.settings("cohort", threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let result = try rethrowing("cohort") { () throws(PipelineError) in
                try CohortPipeline.gather(partPaths: parts, manifestPath: manifest, outdir: output, engine: engine, cohort: settings)
            }
            try finish("cohort", result, outdir: output, keepGoing: keepGoing, quiet: quiet)
        }
    }
}
