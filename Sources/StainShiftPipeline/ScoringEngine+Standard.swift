import Foundation
import StainShiftCells
import StainShiftCohort
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

extension ScoringEngine {
    /// The real scorer: `TileScorer` with `markers` (built-ins unless a marker config overrides
    /// them), optional white point, detection preset and threshold, fixed OD factor, optional cell
    /// classifier (`cellClassifierKey`: what identifies it in the resume-cache key and the methods,
    /// e.g. the model file's SHA-256), and the scoring stage's overlay for the report's thumbnails.
    /// Images larger than `tileSize` either way are scored tile by tile (`TiledScorer`).
    public static func standard(markers: MarkerSet = .builtin, background: Double? = nil,
                                detection: DetectionPreset = .standard, detectionThreshold: Double? = nil,
                                odScale: Double? = 1, tileSize: Int = TiledScorer.defaultTileSize,
                                cellClassifier: (any CellClassifying)? = nil, cellClassifierKey: String? = nil) -> ScoringEngine {
        /// The engine's settings for one image (a tile job or a tiled one): the manifest's pixel size
        /// and stains, the engine's white point, detection and OD factor.
        @Sendable func settings(pixelSize: Double?, stains: StainMatrix, threads: Int?, row: RowCellClassifier? = nil) -> ScoringSettings {
            var s = ScoringSettings()
            s.pixelSizeMicrons = pixelSize
            s.pixelSizeSource = .manifest
            s.stains = stains
            s.background = background
            s.threads = threads
            s.detection = detection
            s.detectionThreshold = detectionThreshold
            s.odScale = odScale
            s.cellClassifier = cellClassifier
            s.cellClassifierName = cellClassifierKey
            if let row {   // the manifest row's own classifier (nil classifier: the morphology rule)
                s.cellClassifier = row.classifier
                s.cellClassifierName = row.classifier == nil ? nil : row.key
            }
            return s
        }
        @Sendable func settings(_ job: Job) -> ScoringSettings {
            settings(pixelSize: job.pixelSize, stains: job.stains, threads: job.threads, row: job.cellClassifier)
        }
        var engine = ScoringEngine(
            knownMarkers: Set(markers.markers.map(\.name)),
            score: { job in
                let marker = try markers.marker(named: job.marker)
                guard job.regions != nil || job.heatmap != nil else {
                    return TileScorer.score(job.image, name: job.name, marker: marker, settings: settings(job), pool: job.pool)
                }
                let s = settings(job)
                let analysis = TileScorer.analyse(job.image, name: job.name, marker: marker, settings: s, pool: job.pool)
                let counted = RegionScoring.counted(analysis.score, cells: analysis.segmentation.cells, calls: analysis.calls,
                                                    regions: job.regions, marker: marker, minimumCells: s.minimumCells)
                if let file = job.heatmap {
                    try Heatmap(counting: counted.cells, calls: counted.calls, marker: marker, imageWidth: job.image.width,
                                imageHeight: job.image.height, pixelSizeMicrons: counted.score.pixelSizeMicrons).write(to: file)
                }
                return counted.score
            },
            scores: { name, totals in markers[name]?.scores(totals) ?? [] },
            parameters: { name in
                // The scoring code's revision, the marker definition and the settings that change a score.
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let definition = markers[name].flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? name
                let defaults = ScoringSettings()
                return "scoring_revision=\(StainShiftVersion.scoringRevision)\nmarker_definition=\(definition)"
                    + "\nbackground=\(background.map { String($0) } ?? "bit-depth max")"
                    + "\nminimum_cells=\(defaults.minimumCells)\ndefault_pixel_size=\(ScoringSettings.defaultPixelSizeMicrons)"
                    + "\ndetection=\(detection.rawValue)\ndetection_threshold=\(detectionThreshold.map { String($0) } ?? "automatic")"
                    + "\nod_scale=\(odScale.map { String($0) } ?? "auto")"
                    + (cellClassifier == nil ? "" : "\ncell_classifier=\(cellClassifierKey ?? "unnamed")")
            },
            overlay: { job in
                let marker = try markers.marker(named: job.marker)
                let analysis = TileScorer.analyse(job.image, name: job.name, marker: marker, settings: settings(job))
                return ScoreOverlay.render(job.image, analysis: analysis)
            })
        engine.scoredCells = { name, totals in markers[name]?.scoredCells(totals) ?? totals.tumour }
        engine.tileSize = tileSize
        engine.scoreTiled = { job in
            let s = settings(pixelSize: job.pixelSize, stains: job.stains, threads: job.threads, row: job.cellClassifier)
            let marker = try markers.marker(named: job.marker)
            var scorer = TiledScorer(marker: marker, settings: s, tileSize: tileSize)
            scorer.keepCells = job.regions != nil
            let maps = job.mapPrefix != nil || job.heatmap != nil
            // Without regions the heat map needs only each counted cell's centre (kept tile by tile);
            // with them it is drawn from the cells inside the regions.
            if maps, job.regions == nil { scorer.heatmapBinMicrons = Heatmap.defaultBinMicrons }
            let result = try scorer.score(job.path, name: job.name)
            guard let regions = job.regions else {
                if let heatmap = result.heatmap { try SlideMaps.write(result, heatmap: heatmap, job: job) }
                return result.score
            }
            let counted = RegionScoring.counted(result.score, cells: result.cells, calls: result.calls, regions: regions,
                                                marker: marker, minimumCells: s.minimumCells)
            if maps {
                let heatmap = Heatmap(counting: counted.cells, calls: counted.calls, marker: marker, imageWidth: result.grid.width,
                                      imageHeight: result.grid.height, pixelSizeMicrons: result.score.pixelSizeMicrons)
                try SlideMaps.write(result, heatmap: heatmap, job: job)
            }
            return counted.score
        }
        let stated = settings(pixelSize: nil, stains: StainPresets.hDAB, threads: nil)
        engine.settings = StatedSettings.of(stated, markers: markers)
        return engine
    }
}
