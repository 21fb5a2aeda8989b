import ArgumentParser
import Foundation
import StainShift

/// `stainshift evaluate --annotations LIST.tsv --marker NAME --json OUT`: detected cells and the
/// scorer's index checked against expert points (CONTRACT).
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check detected cells, positivity calls and the marker index against expert point annotations.",
        discussion: Help.discussion("""
            LIST.tsv has columns image and annotations (paths relative to the list), optional source \
            (default: the image's folder, or its parent when that is called images), complete (yes/no, \
            default yes: every nucleus labelled; with no, precision and F1 are null), pixel_size (µm) and \
            detections (another tool's cells, x/y/positive, evaluated instead of scoring the image). \
            Annotations are TSV/CSV points with columns x, y, label (pixels, origin top-left; label positive, \
            negative or a class such as tumour, lymphocyte, stroma, other) or QuPath GeoJSON points. Each point \
            is matched to at most one cell centroid within --match-radius, closest pairs first. Images are scored \
            exactly as `stainshift score` scores them with the same options. Failed images are listed under \
            failures in the JSON.
            """, examples: [
                "stainshift evaluate --annotations LIST.tsv --marker ki67 --json out.json",
                "stainshift evaluate --annotations LIST.tsv --marker ki67 --json - --table images.tsv --overlay overlays/",
                "stainshift evaluate --annotations LIST.tsv --marker ki67 --json out.json --markers ki67-dab0.25.json --match-radius 5",
            ], exits: Help.batch))

    @Option(help: "Annotation list (TSV or CSV): image, annotations [, source, complete, pixel_size, detections].") var annotations: String
    @OptionGroup var scoring: ScoreOptions
    @Option(help: "JSON output file, or - for stdout.") var json: String
    @Option(help: "A point and a cell centroid match within this many µm.") var matchRadius: Double = 4
    @Option(help: "Folder for one PNG per image: matched points green, missed red, false detections yellow (complete images).") var overlay: String?
    @Option(help: "Per-image TSV table, or - for stdout.") var table: String?
    @Flag(help: "No summary table on stderr.") var quiet = false
    @Flag(help: "Exit 0 even when some images failed (they are still listed in the JSON).") var keepGoing = false

    func validate() throws {
        if !(matchRadius.isFinite && matchRadius > 0) { throw ValidationError("--match-radius must be a positive number of µm") }
        if json == "-" && table == "-" { throw ValidationError("--json and --table cannot both write to stdout") }
    }

    func run() throws {
        try failing("evaluate") {
            let (marker, settings) = try scoring.resolve("evaluate")
            let items: [EvaluationItem]
            do throws(EvaluationError) { items = try AnnotationList.read(annotations) } catch {
                throw CommandFailure(command: "evaluate", detail: error.description, code: 64)
            }
            var options = EvaluationOptions(marker: marker, settings: settings)
            options.matchRadiusMicrons = matchRadius
            options.threads = scoring.threads ?? ProcessInfo.processInfo.activeProcessorCount
            if let overlay {
                do { try FileManager.default.createDirectory(atPath: overlay, withIntermediateDirectories: true) } catch {
                    throw CommandFailure(command: "evaluate", detail: "\(overlay): cannot create the overlay folder")
                }
                options.overlayDirectory = overlay
            }
            let result = Evaluator.run(items, options: options)
            try Output.write(EvaluationJSON.render(result), to: json)
            if let table { try Output.write(EvaluationTable.tsv(result), to: table) }
            for f in result.failures { Stderr.line("stainshift evaluate: \(f.error)") }
            if !quiet { FileHandle.standardError.write(Data(EvaluationTable.summary(result).utf8)) }
            if !result.failures.isEmpty {
                Stderr.line("stainshift evaluate: \(result.failures.count) of \(items.count) images failed")
                if !keepGoing { throw ExitCode(3) }
            }
        }
    }
}
