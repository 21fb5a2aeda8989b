import ArgumentParser
import Foundation
import StainShift

/// How nuclei are found, for every command that scores tiles (`score`, `run`, `score-slide`): the
/// declarations only; `DetectionOptions` (StainShiftPipeline) turns them into detection settings.
struct DetectionFlags: ParsableArguments {
    @Option(help: "Nucleus and cell detection: default (scanner-robust), qupath-0.3 (QuPath 0.3 positive cell detection as in the OS-2 validation run: OD sum, no cell expansion) or distance-watershed.")
    var preset: DetectionPreset = .standard
    @Option(help: "Fixed detection threshold in OD instead of the automatic one (qupath-0.3: 0.2).")
    var detectionThreshold: Double?
    @Option(help: ArgumentHelp("Factor for every measured OD: 1 (default) scores each nucleus's own DAB as scanned; a number measured once per scanner; auto uses each image's own factor (brings two scanners together, but a pale counterstain then lifts weak DAB).", valueName: "F|auto"))
    var odScale: ODScaleChoice = .fixed(1)
    @Option(name: .customLong("cell-classifier"), help: ArgumentHelp("Cell classifier model (from stainshift train-cells), or `default` for the shipped one (trained on the dev set; not validated on other tissue): classes every cell as tumour, immune, stroma or other in place of the morphology rule (small, round, dark nucleus = lymphocyte).", valueName: "MODEL.json"))
    var cellClassifier: String?

    var options: DetectionOptions {
        DetectionOptions(preset: preset, threshold: detectionThreshold, odScale: odScale, cellClassifier: cellClassifier)
    }

    func validate() throws {
        if let problem = options.problem { throw ValidationError(problem) }
    }
}

extension DetectionPreset: ExpressibleByArgument {}

extension ODScaleChoice: ExpressibleByArgument {
    public var defaultValueDescription: String { text }
}

/// Options of commands that score tiles (`run`, `score-slide`).
struct ScoringFlags: ParsableArguments {
    @Option(help: "Stains for slides whose manifest row names none: a preset (h-dab, qupath-h-dab, ...), role:r,g,b;role:r,g,b, a JSON file, or auto (Macenko per slide from its pooled tiles).")
    var stains: String = "h-dab"
    @Option(help: "Marker config JSON overriding the built-in marker definitions.") var markers: String?
    @Option(help: "White point for optical density, one value for R, G and B (default: measured on each image's glass, else the bit depth's maximum).") var background: Double?
    @Option(help: "Worker threads (default: all cores); tables are identical whatever the count.") var threads: Int?
    @OptionGroup var detection: DetectionFlags
    @Option(help: "Analysis tile edge in px (at least 256): images larger than this are scored tile by tile by region reads; it changes how, not what is found.")
    var tileSize: Int = TiledScorer.defaultTileSize
    @Flag(help: "No progress on stderr.") var quiet = false
    @Flag(help: "Exit 0 even when some inputs failed (they are still listed in failures.tsv).") var keepGoing = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let background, !(background.isFinite && background > 1) { throw ValidationError("--background must be a number above 1") }
        try validateTileSize(tileSize)
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func engine(_ command: String) throws -> ScoringEngine {
        try Self.engine(command, markers: markers, background: background, detection: detection.options, tileSize: tileSize)
    }

    /// The standard scorer with the built-in markers, or those of a marker config (a bad config, or a
    /// cell classifier that cannot be loaded, is a usage error). Without detection options (`cohort`,
    /// which gathers parts scored elsewhere): the default preset with each image's own OD factor.
    static func engine(_ command: String, markers: String?, background: Double?,
                       detection: DetectionOptions = DetectionOptions(odScale: .automatic),
                       tileSize: Int = TiledScorer.defaultTileSize) throws -> ScoringEngine {
        var set = MarkerSet.builtin
        if let markers {
            do { set = try MarkerSet.load(markers) } catch {
                throw CommandFailure(command: command, detail: error.description, code: 64)
            }
        }
        return try rethrowing(command) { () throws(PipelineError) in
            try detection.engine(markers: set, background: background, tileSize: tileSize)
        }
    }

    func batch() -> BatchOptions {
        var b = BatchOptions(threads: threadCount)
        b.defaultStains = stains
        b.progress = quiet ? .quiet : .automatic
        return b
    }
}

/// `--tile-size` at least `TiledScorer.minimumTileSize` (a usage error, exit 64, otherwise).
func validateTileSize(_ tileSize: Int) throws {
    if tileSize < TiledScorer.minimumTileSize {
        throw ValidationError("--tile-size must be at least \(TiledScorer.minimumTileSize) px (got \(tileSize))")
    }
}

/// Pipeline errors to the CONTRACT's exit codes: usage 64, everything else 1.
func rethrowing<T>(_ command: String, _ body: () throws(PipelineError) -> T) throws -> T {
    do { return try body() } catch {
        throw CommandFailure(command: command, detail: error.description, code: error.kind == .usage ? 64 : 1)
    }
}

/// Exit 3 when inputs failed (0 with `--keep-going`), after saying so on stderr.
func finish(_ command: String, _ result: CohortResult, outdir: String, keepGoing: Bool, quiet: Bool) throws {
    if !result.failures.isEmpty {
        let where_ = URL(fileURLWithPath: outdir).appendingPathComponent("failures.tsv").path
        Stderr.line("stainshift \(command): \(ProgressReporter.counted(result.failures.count, "input")) failed (listed in \(where_))")
        if !keepGoing { throw ExitCode(3) }
    } else if !quiet {
        let counts = [(result.tiles.count, "tile"), (result.slides.count, "slide"), (result.calls.count, "patient")]
        Stderr.line("stainshift \(command): \(counts.map { ProgressReporter.counted($0.0, $0.1) }.joined(separator: ", ")) -> \(outdir)")
    }
}

/// `stainshift run MANIFEST -o OUTDIR`: every slide scored, then tables, overlays and report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a cohort manifest and write tiles/slides/changes/groups/failures tables and the report.",
        discussion: Help.discussion("Columns: docs/TABLES.md.", examples: [
            "stainshift run manifest.tsv -o results/",
            "stainshift run manifest.tsv -o results/ --stains auto --keep-going --resume",
            "stainshift run manifest.tsv -o results/ --config classifier.json",
            "stainshift run manifest.tsv -o results/ --templates lab-templates/",
        ], exits: Help.batch))

    @Argument(help: "CSV or TSV manifest: patient,timepoint,marker,image (+ slide, pixel_size, stains, outcome).") var manifest: String
    @Option(name: [.short, .customLong("output")], help: "Output folder.") var output: String
    @Flag(help: "Reuse per-tile results cached in OUTDIR/cache by an earlier (possibly killed) run.") var resume = false
    @OptionGroup var scoring: ScoringFlags
    @OptionGroup var cohort: CohortFlags
    @Option(help: .hidden) var stopAfterTiles: Int?

    func run() throws {
        try failing("run") {
            let engine = try scoring.engine("run")
            var batch = scoring.batch()
            batch.resume = resume
            batch.stopAfter = stopAfterTiles
            let settings = try cohort.settings("run", threads: scoring.threadCount)
            let result = try rethrowing("run") { () throws(PipelineError) in
                try CohortPipeline.run(manifestPath: manifest, outdir: output, engine: engine, batch: batch, cohort: settings)
            }
            try finish("run", result, outdir: output, keepGoing: scoring.keepGoing, quiet: scoring.quiet)
        }
    }
}
