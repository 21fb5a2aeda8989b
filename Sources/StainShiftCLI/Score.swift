import ArgumentParser
import Foundation
import StainShift

/// `stainshift score IMAGE --marker NAME --json OUT`: one tile's cell and pixel scores (CONTRACT).
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score one IHC tile for a marker: cells, intensity bins, marker scores, tissue and QC as JSON.",
        discussion: Help.discussion(examples: [
            "stainshift score tile.png --marker pdl1 --json -",
            "stainshift score tile.png --marker pdl1 --json t.json --overlay overlay.png",
            "stainshift score ki67.tif --marker ki67 --preset qupath-0.3 --json -",
        ]))

    @Argument(help: "A TIFF or PNG image.") var image: String
    @Option(help: "Marker: pdl1, hla1, crt, hmgb1, ki67, or one defined in --markers.") var marker: String
    @Option(help: "JSON output file, or - for stdout.") var json: String = "-"
    @Option(help: "Stain set: a preset (see `stainshift stains`), role:r,g,b;role:r,g,b, or a JSON file.") var stains: String = "h-dab"
    @Option(name: .customLong("pixel-size"), help: "Pixel size in µm (default: from the image, else 0.5).") var pixelSize: Double?
    @Option(help: "Per-cell table (TSV, QuPath-like columns), or - for stdout.") var cells: String?
    @Option(help: "Overlay PNG: nuclei coloured by bin, lymphocytes green, membrane rings for membrane markers.") var overlay: String?
    @Option(help: "Marker config JSON overriding or adding markers.") var markers: String?
    @Option(help: "Worker threads (default: all cores); results do not depend on it.") var threads: Int?
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0
    @OptionGroup var detection: DetectionFlags
    @Flag(help: "Print the time of each stage to stderr.") var timings = false

    func validate() throws {
        if let pixelSize, !(pixelSize.isFinite && pixelSize > 0 && pixelSize < 1000) {
            throw ValidationError("--pixel-size must be a positive number of µm")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if page < 0 { throw ValidationError("--page must be 0 or more") }
        if json == "-" && cells == "-" { throw ValidationError("--json and --cells cannot both write to stdout") }
        if markers == nil, Marker.builtin(named: marker) == nil {
            throw ValidationError("unknown marker '\(marker)' (known: \(Marker.builtins.map(\.name).joined(separator: ", ")))")
        }
    }

    func run() throws {
        try failing("score") {
            let set: MarkerSet
            do { set = try markers.map { path throws(MarkerError) in try MarkerSet.load(path) } ?? .builtin } catch {
                throw CommandFailure(command: "score", detail: "--markers: \(error)", code: 64)
            }
            let chosen: Marker
            do { chosen = try set.marker(named: marker) } catch {
                throw CommandFailure(command: "score", detail: "--marker: \(error)", code: 64)
            }
            var settings = ScoringSettings()
            do { settings.stains = try StainMatrix.resolve(stains) } catch {
                throw CommandFailure(command: "score", detail: "--stains: \(error)", code: 64)
            }
            settings.pixelSizeMicrons = pixelSize
            settings.threads = threads
            settings.detection = detection.preset
            settings.detectionThreshold = detection.detectionThreshold
            settings.odScale = detection.odScale.factor
            let start = Date()
            let img = try ImageReader.read(image, options: ReadOptions(page: page))
            let decoded = Date()
            // The overlay needs the image afterwards; otherwise the scorer takes it and frees it after QC.
            let picture: RGBImage? = overlay == nil ? nil : img
            let analysis = TileScorer.analyse(consume img, name: image, marker: chosen, settings: settings)
            if timings {
                let stages = [("decode", decoded.timeIntervalSince(start))] + analysis.timings.map { ($0.stage, $0.seconds) }
                Stderr.line("stainshift score: timings: " + stages.map { "\($0.0) \(String(format: "%.3f", $0.1)) s" }.joined(separator: ", "))
            }
            try Output.write(ScoreJSON.render(analysis.score, marker: chosen, stains: settings.stains), to: json)
            if let cells { try Output.write(CellTable.tsv(analysis), to: cells) }
            if let overlay, let img = picture { try ImageWriter.writePNG(ScoreOverlay.render(img, analysis: analysis), to: overlay) }
        }
    }
}
