import ArgumentParser
import Foundation
import StainShift

/// `stainshift score-slide MANIFEST --slide ID -o PART.json`: the scatter half of `run`.
struct ScoreSlide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score-slide",
        abstract: "Score one slide of a manifest into a part file for `stainshift cohort` (scatter/gather).",
        discussion: Help.discussion(
            "The slide id is the manifest's slide column, else patient_timepoint_marker. Tiles that failed travel in the part to failures.tsv.",
            examples: [
                "stainshift score-slide manifest.tsv --slide P01_pre_pdl1 -o parts/P01.json",
                "stainshift score-slide m.tsv --patient P1 --timepoint pre --marker pdl1 -o -",
                "stainshift score-slide m.tsv --slide S1 -o parts/S1.json --maps results/maps",
                "stainshift score-slide m.tsv --slide S1 -o parts/S1.json --heatmap S1.heatmap.png",
            ], exits: Help.batch))

    @Argument(help: "CSV or TSV manifest.") var manifest: String
    @Option(help: "Slide id.") var slide: String?
    @Option(help: "Patient (with --timepoint and --marker, instead of --slide).") var patient: String?
    @Option(help: "pre or post.") var timepoint: String?
    @Option(help: "Marker name.") var marker: String?
    @Option(name: [.short, .customLong("output")], help: "Part file (JSON), or - for stdout.") var output: String
    @OptionGroup var scoring: ScoringFlags
    @Option(help: "Folder for each image scored tile by tile: its heat map and whole-slide thumbnail (give the later `cohort` run's OUTDIR/maps to have them in its report).")
    var maps: String?
    @Option(help: "Heat map PNG of the slide's positive cells per mm² (as `score --heatmap` with 50 µm bins; only the cells inside the row's regions when it has some). The slide must be one image (one manifest row).")
    var heatmap: String?

    func validate() throws {
        if slide == nil && (patient == nil || timepoint == nil || marker == nil) {
            throw ValidationError("give --slide ID, or --patient, --timepoint and --marker")
        }
        if heatmap == "-" { throw ValidationError("--heatmap needs a file (a PNG), not stdout") }
    }

    func run() throws {
        try failing("score-slide") {
            let engine = try scoring.engine("score-slide")
            let part = try rethrowing("score-slide") { () throws(PipelineError) in
                let m = try CohortPipeline.loadManifest(manifest, engine: engine)
                let s = try CohortPipeline.slide(in: m, id: slide, patient: patient, timepoint: timepoint, marker: marker)
                if heatmap != nil, s.rows.count != 1 {
                    throw PipelineError(.usage, path: manifest, reason: "--heatmap needs a slide of one image; slide \(s.id) has \(s.rows.count) rows (use --maps DIR for one heat map per image)")
                }
                var batch = scoring.batch()
                batch.mapsDirectory = maps
                batch.heatmapFile = heatmap
                return try CohortPipeline.scoreSlide(s, manifest: m, engine: engine, batch: batch)
            }
            let data = try rethrowing("score-slide") { () throws(PipelineError) in try CohortAssembler.encode(part) }
            try Output.write(String(decoding: data, as: UTF8.self) + "\n", to: output)
            if !part.failures.isEmpty {
                Stderr.line("stainshift score-slide: slide \(part.slide): \(part.failures.count) tile\(part.failures.count == 1 ? "" : "s") failed: \(part.failures[0].error)")
                if !scoring.keepGoing { throw ExitCode(3) }
            }
        }
    }
}
