import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftImaging
import StainShiftReport
import StainShiftScoring
import StainShiftStains
import StainShiftFoundation

/// Writes a run's outputs into OUTDIR: overlays of each slide's representative tile, the five
/// TSV tables and the report.
public enum RunOutputs {
    /// Writes everything; returns the result with each slide's `overlay` path filled in.
    @discardableResult
    public static func write(_ result: CohortResult, parts: [SlidePart], manifest: Manifest, engine: ScoringEngine,
                             config: ClassifierConfig, threads: Int, to outdir: String) throws(PipelineError) -> CohortResult {
        do { try FileManager.default.createDirectory(atPath: outdir, withIntermediateDirectories: true) } catch {
            throw PipelineError(path: outdir, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        var result = result
        let overlays = drawOverlays(parts: parts, manifest: manifest, engine: engine, threads: threads, outdir: outdir)
        for i in result.slides.indices { result.slides[i].overlay = overlays[result.slides[i].slide] }
        attachMaps(&result, manifest: manifest, outdir: outdir)
        do { try Tables.write(result, signalIDs: config.signals.map(\.id), scoredCells: engine.scoredCells, to: outdir) } catch {
            throw PipelineError(path: error.path, reason: error.reason)
        }
        return result
    }

    /// Each slide's `SlideMaps` (of its first image, in manifest order, that has them) into its record.
    static func attachMaps(_ result: inout CohortResult, manifest: Manifest, outdir: String) {
        for i in result.slides.indices {
            for row in manifest.rows where row.slide == result.slides[i].slide {
                let stem = "\(SlideMaps.folderName)/" + SlideMaps.stem(slide: row.slide, line: row.line)
                let thumbnail = stem + ".thumbnail.png", heatmap = stem + ".heatmap.png"
                guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: outdir).appendingPathComponent(thumbnail).path) else { continue }
                result.slides[i].thumbnail = thumbnail
                result.slides[i].heatmap = heatmap
                break
            }
        }
    }

    /// The tile whose primary score is the slide's median (lower median; ties by image path).
    public static func representative(_ part: SlidePart) -> TileRecord? {
        guard !part.tiles.isEmpty else { return nil }
        let key: (TileRecord) -> Double = { t in
            (t.scores.first { $0.name == ScoreFormula.tps.rawValue } ?? t.scores.first { $0.name == CommonScore.percentPositive } ?? t.scores.first)?.value ?? 0
        }
        let sorted = part.tiles.sorted { (key($0), $0.image) < (key($1), $1.image) }
        return sorted[(sorted.count - 1) / 2]
    }

    /// Longest side of an overlay thumbnail: enough to see cells and their bin colours in the report
    /// while a report with one thumbnail per slide stays a few megabytes.
    public static let thumbnailSide = 256

    /// Slide id → overlay path relative to OUTDIR, for the slides an overlay could be drawn for.
    static func drawOverlays(parts: [SlidePart], manifest: Manifest, engine: ScoringEngine, threads: Int,
                             outdir: String) -> [String: String] {
        guard let draw = engine.overlay else { return [:] }
        let parts = overlaySlides(parts)
        let folder = URL(fileURLWithPath: outdir).appendingPathComponent("overlays").path
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return [:] }
        let paths = Dictionary(manifest.rows.map { ("\($0.slide)\u{1F}\($0.image)", $0) }, uniquingKeysWith: { a, _ in a })
        let done = ResultSlots<String>(count: parts.count)
        let workers = max(1, min(threads, parts.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < parts.count {
                defer { i += workers }
                let part = parts[i]
                guard let tile = representative(part), let row = paths["\(part.slide)\u{1F}\(tile.image)"],
                      let matrix = try? StainMatrix(parsing: part.stains),
                      let image = try? overlaySource(row.path, tileSize: engine.tileSize),
                      let overlay = try? draw(ScoringEngine.Job(image: image, name: row.image, marker: part.marker, stains: matrix,
                                                                pixelSize: row.pixelSize, threads: 1,
                                                                cellClassifier: row.cellClassifier.flatMap { try? RowCellClassifier.load($0) }))
                else { continue }
                let name = "\(ReportWriter.overlaysFolderName)/" + ReportWriter.overlayFileName(patient: part.patient, marker: part.marker, timepoint: part.timepoint)
                if (try? ImageWriter.writePNG(overlay.thumbnail(maxSide: thumbnailSide), to: URL(fileURLWithPath: outdir).appendingPathComponent(name).path)) != nil {
                    done.set(i, name)
                }
            }
        }
        var out: [String: String] = [:]
        for (i, name) in done.all.enumerated() { if let name { out[parts[i].slide] = name } }
        return out
    }

    /// The image an overlay thumbnail is drawn from: the whole image, or for one larger than the
    /// analysis tile its central tile (a thumbnail of a whole slide's cells would show none).
    static func overlaySource(_ path: String, tileSize: Int) throws(FileError) -> RGBImage {
        let info = try ImageReader.info(path)
        guard TiledScorer.needsTiling(width: info.width, height: info.height, tileSize: tileSize) else {
            return try ImageReader.read(path)
        }
        let w = min(tileSize, info.width), h = min(tileSize, info.height)
        return try ImageReader.readRegion(path, x: (info.width - w) / 2, y: (info.height - h) / 2, width: w, height: h)
    }

    /// The first slide (in table order) of each patient, marker and timepoint: the one whose
    /// overlay the report shows (its file name has no slide id).
    static func overlaySlides(_ parts: [SlidePart]) -> [SlidePart] {
        var seen = Set<String>()
        return CohortAnalysis.sortedParts(parts).filter { seen.insert("\($0.patient)\u{1F}\($0.marker)\u{1F}\($0.timepoint.rawValue)").inserted }
    }
}
