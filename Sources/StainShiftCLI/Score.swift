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

    @Argument(help: "A TIFF, PNG or JPEG image.") var image: String
    @OptionGroup var scoring: ScoreOptions
    @Option(help: "JSON output file, or - for stdout.") var json: String = "-"
    @Option(help: "Per-cell table (TSV, QuPath-like columns), or - for stdout.") var cells: String?
    @Option(help: "Overlay PNG: nuclei coloured by bin, lymphocytes green, membrane rings for membrane markers. Tiled images up to 8192 x 8192 px; larger ones are refused (exit 64) rather than drawn as an image-sized picture.") var overlay: String?
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0
    @Option(help: "Analysis tile edge in px (at least 256): a larger image is scored tile by tile by region reads, skipping tiles without tissue, each cell counted once; it changes how, not what is found.")
    var tileSize: Int = TiledScorer.defaultTileSize
    @Flag(help: "Print the time of each stage to stderr.") var timings = false

    func validate() throws {
        if page < 0 { throw ValidationError("--page must be 0 or more") }
        try validateTileSize(tileSize)
        if json == "-" && cells == "-" { throw ValidationError("--json and --cells cannot both write to stdout") }
    }

    func run() throws {
        try failing("score") {
            let (chosen, settings) = try scoring.resolve("score")
            if let info = try? ImageReader.info(image, page: page),
               TiledScorer.needsTiling(width: info.width, height: info.height, tileSize: tileSize) {
                return try scoreTiled(marker: chosen, settings: settings)
            }
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
            if analysis.score.pixelSizeSource == .estimated || analysis.score.pixelSizeSource == .assumed {
                Stderr.line("stainshift score: \(image): warning: no pixel size in the file; "
                            + (analysis.score.pixelSizeSource == .estimated ? "estimated from the nuclei" : "assumed")
                            + " as \(String(format: "%.3g", analysis.score.pixelSizeMicrons)) µm (give --pixel-size if known)")
            }
            try Output.write(ScoreJSON.render(analysis.score, marker: chosen, stains: settings.stains), to: json)
            if let cells { try Output.write(CellTable.tsv(analysis), to: cells) }
            if let overlay, let img = picture { try ImageWriter.writePNG(ScoreOverlay.render(img, analysis: analysis), to: overlay) }
        }
    }
}

extension Score {
    /// An image larger than `--tile-size`: scored by `TiledScorer`, cells and overlay in image coordinates.
    func scoreTiled(marker chosen: Marker, settings: ScoringSettings) throws {
        var scorer = TiledScorer(marker: chosen, settings: settings, tileSize: tileSize)
        scorer.page = page
        scorer.keepCells = cells != nil
        scorer.drawOverlay = overlay != nil
        scorer.progress = .automatic
        let start = Date()
        let result = try rethrowing("score") { () throws(PipelineError) in try scorer.score(image, name: image) }
        if timings {
            Stderr.line("stainshift score: timings: tiled \(result.grid.columns) x \(result.grid.rows) tiles of \(tileSize) px"
                + " (margin \(result.grid.margin) px), \(result.tilesAnalysed) analysed, \(result.tilesSkipped) skipped without tissue, "
                + result.timings.map { "\($0.stage) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", ")
                + String(format: ", total %.3f s", Date().timeIntervalSince(start)))
        }
        try Output.write(ScoreJSON.render(result.score, marker: chosen, stains: settings.stains), to: json)
        if let cells {
            try Output.write(CellTable.tsv(cells: result.cells, calls: result.calls, marker: chosen,
                                           pixelSizeMicrons: result.score.pixelSizeMicrons), to: cells)
        }
        if let overlay, let picture = result.overlay { try ImageWriter.writePNG(picture, to: overlay) }
    }
}
