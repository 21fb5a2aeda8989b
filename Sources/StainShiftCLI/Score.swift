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
            "stainshift score tile.png --marker pdl1 --json t.json --regions tumour.geojson --region-class Tumor --cells-geojson cells.geojson",
            "stainshift score ki67.tif --marker ki67 --preset qupath-0.3 --json -",
            "stainshift score ki67.png --marker ki67 --json k.json --stains auto",
            "stainshift score tile.png --marker pdl1 --json t.json --cell-classifier cells-model.json",
            "stainshift score slide.svs --marker pdl1 --json s.json --heatmap s.heatmap.png --heatmap-bin 100",
        ]))

    @Argument(help: "A TIFF, PNG or JPEG image.") var image: String
    @OptionGroup var scoring: ScoreOptions
    @Option(help: "JSON output file, or - for stdout.") var json: String = "-"
    @Option(help: "Per-cell table (TSV, QuPath-like columns), or - for stdout.") var cells: String?
    @Option(name: .customLong("cells-geojson"), help: "The counted cells (those of cells.total) as a QuPath-importable GeoJSON FeatureCollection: cell and nucleus outlines in image pixels, class and bin, measurements; or - for stdout.")
    var cellsGeoJSON: String?
    @Option(help: "QuPath GeoJSON annotations: count only the cells whose centre lies inside them (Ignore* regions left out), and report each region.")
    var regions: String?
    @Option(name: .customLong("region-class"), help: "With --regions: only the regions of this class (e.g. Tumor).")
    var regionClass: String?
    @Option(help: "Overlay PNG: nuclei coloured by bin, lymphocytes green, membrane rings for membrane markers. Tiled images up to 8192 x 8192 px; larger ones are refused (exit 64) rather than drawn as an image-sized picture.") var overlay: String?
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0
    @Option(help: "Analysis tile edge in px (at least 256): a larger image is scored tile by tile by region reads, skipping tiles without tissue, each cell counted once; it changes how, not what is found.")
    var tileSize: Int = TiledScorer.defaultTileSize
    @Option(help: "Heat map PNG of positive cells per mm² (one pixel per --heatmap-bin square, viridis from 0 to the JSON's heatmap.max_per_mm2; white: no cells), from the counted cells' centres.")
    var heatmap: String?
    @Option(help: "With --heatmap: bin edge in µm (10-1000).") var heatmapBin: Double = Heatmap.defaultBinMicrons
    @Flag(help: "Print the time of each stage to stderr.") var timings = false

    func validate() throws {
        if page < 0 { throw ValidationError("--page must be 0 or more") }
        try validateTileSize(tileSize)
        let stdout = [("--json", json), ("--cells", cells), ("--cells-geojson", cellsGeoJSON)].filter { $0.1 == "-" }.map(\.0)
        if stdout.count > 1 { throw ValidationError("\(stdout.joined(separator: " and ")) cannot both write to stdout") }
        if regionClass != nil && regions == nil { throw ValidationError("--region-class needs --regions") }
        if !(heatmapBin.isFinite && (10...1000).contains(heatmapBin)) { throw ValidationError("--heatmap-bin must be 10-1000 µm") }
        if heatmap == "-" { throw ValidationError("--heatmap needs a file (a PNG), not stdout") }
    }

    func run() throws {
        try failing("score") {
            let (chosen, settings) = try scoring.resolve("score")
            // A bad regions file is bad input (exit 1), found before any pixel is read.
            var filter: RegionScoring?
            if let regions {
                do throws(EvaluationError) {
                    filter = RegionScoring(regions: try GeoJSONRegions.read(regions), regionClass: regionClass)
                } catch { throw CommandFailure(command: "score", detail: error.description) }
            }
            if let info = try? ImageReader.info(image, page: page),
               TiledScorer.needsTiling(width: info.width, height: info.height, tileSize: tileSize) {
                return try scoreTiled(marker: chosen, settings: settings, filter: filter)
            }
            let start = Date()
            let img = try ImageReader.read(image, options: ReadOptions(page: page))
            let decoded = Date()
            // The overlay needs the image afterwards; otherwise the scorer takes it and frees it after QC.
            let picture: RGBImage? = overlay == nil ? nil : img
            let size = (width: img.width, height: img.height)
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
            let cellList = analysis.segmentation.cells
            let outlines = cellsGeoJSON == nil ? [] : CellOutline.outlines(analysis.segmentation, cells: cellList)
            // The JSON names the stains used: with --stains auto, this tile's estimate.
            try writeResults(analysis.score, cells: cellList, calls: analysis.calls, outlines: outlines,
                             marker: chosen, settings: settings, stains: analysis.planes.matrix, filter: filter, size: size)
            if let overlay, let img = picture { try ImageWriter.writePNG(ScoreOverlay.render(img, analysis: analysis), to: overlay) }
        }
    }
}

extension Score {
    /// An image larger than `--tile-size`: scored by `TiledScorer`, cells and overlay in image coordinates.
    func scoreTiled(marker chosen: Marker, settings: ScoringSettings, filter: RegionScoring?) throws {
        var scorer = TiledScorer(marker: chosen, settings: settings, tileSize: tileSize)
        scorer.page = page
        scorer.keepCells = cells != nil || cellsGeoJSON != nil || filter != nil
        // Without regions the heat map needs only each cell's centre, counted tile by tile.
        if heatmap != nil, filter == nil { scorer.heatmapBinMicrons = heatmapBin }
        scorer.keepOutlines = cellsGeoJSON != nil
        scorer.drawOverlay = overlay != nil
        scorer.progress = .automatic
        let start = Date()
        let result = try rethrowing("score") { () throws(PipelineError) in try scorer.score(image, name: image) }
        if timings {
            Stderr.line("stainshift score: timings: tiled \(result.grid.columns) x \(result.grid.rows) tiles of \(tileSize) px"
                + " (margin \(result.grid.margin) px, buffers \(result.buffersKept ? "kept" : "freed") between tiles), \(result.tilesAnalysed) analysed, \(result.tilesSkipped) skipped without tissue, "
                + result.timings.map { "\($0.stage) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", ")
                + String(format: ", total %.3f s", Date().timeIntervalSince(start)))
        }
        try writeResults(result.score, cells: result.cells, calls: result.calls, outlines: result.outlines,
                         marker: chosen, settings: settings, stains: result.stains, filter: filter, size: (result.grid.width, result.grid.height),
                         heatmap: result.heatmap)
        if let overlay, let picture = result.overlay { try ImageWriter.writePNG(picture, to: overlay) }
    }

    /// The score JSON, `--cells` and `--cells-geojson`; with `--regions`, of the cells inside the
    /// regions only, and the JSON gains `regions`.
    func writeResults(_ score: TileScore, cells cellList: [Cell], calls: [CellCall], outlines: [CellOutline],
                      marker: Marker, settings: ScoringSettings, stains: StainMatrix, filter: RegionScoring?,
                      size: (width: Int, height: Int),
                      heatmap counted: Heatmap? = nil) throws {
        var score = score, cellList = cellList, calls = calls, outlines = outlines
        var regionsJSON: JSONText?
        if let filter {
            let applied = filter.restrict(score, cells: cellList, calls: calls, marker: marker, minimumCells: settings.minimumCells)
            score = applied.score
            cellList = applied.kept.map { cellList[$0] }
            calls = applied.kept.map { calls[$0] }
            if !outlines.isEmpty { outlines = applied.kept.map { outlines[$0] } }
            regionsJSON = RegionScoring.json(applied.regions, marker: marker, pixelSizeMicrons: score.pixelSizeMicrons)
        }
        var value = ScoreJSON.value(score, marker: marker, stains: stains,
                                    classifier: settings.cellClassifierName ?? "morphology")
        if let regionsJSON, case .object(var members) = value {
            members.append(("regions", regionsJSON))
            value = .object(members)
        }
        if let heatmap, case .object(var members) = value {
            let map = counted ?? Heatmap(counting: cellList, calls: calls, marker: marker, imageWidth: size.width, imageHeight: size.height,
                                         pixelSizeMicrons: score.pixelSizeMicrons, binMicrons: heatmapBin)
            try map.write(to: heatmap)
            members.append(("heatmap", map.json(file: heatmap)))
            value = .object(members)
        }
        try Output.write(value.render() + "\n", to: json)
        if let cells {
            try Output.write(CellTable.tsv(cells: cellList, calls: calls, marker: marker,
                                           pixelSizeMicrons: score.pixelSizeMicrons), to: cells)
        }
        if let cellsGeoJSON {
            try Output.write(CellGeoJSON.render(cells: cellList, calls: calls, outlines: outlines, marker: marker,
                                                pixelSizeMicrons: score.pixelSizeMicrons, image: image), to: cellsGeoJSON)
        }
    }
}
