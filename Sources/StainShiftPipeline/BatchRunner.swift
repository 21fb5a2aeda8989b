import Foundation
import StainShiftCohort
import StainShiftEvaluation
import StainShiftImaging
import StainShiftScoring
import StainShiftStains
import StainShiftFoundation

/// Settings of a batch that do not change scores (except `defaultStains`, which is recorded).
public struct BatchOptions: Sendable {
    /// Worker threads; at most this many tiles are decoded and held in memory at once.
    public var threads: Int
    /// Stains for slides whose manifest row names none: a preset, `auto` or a JSON file.
    public var defaultStains: String = "h-dab"
    /// Where per-tile results are cached (`OUTDIR/cache`); nil: no cache.
    public var cacheDirectory: String?
    /// Reuse cached results instead of rescoring.
    public var resume: Bool = false
    public var progress: ProgressReporter.Mode = .quiet
    /// Stop (throwing `.interrupted`) once this many tiles are done: simulates a killed run in tests.
    public var stopAfter: Int?
    /// Pixels pooled per slide for `--stains auto` (every k-th pixel of every tile).
    public var autoStainPixels: Int = 250_000
    /// Where images scored tile by tile get their heat map and thumbnail (`SlideMaps`, `OUTDIR/maps`); nil: none.
    public var mapsDirectory: String?
    /// Where every image of the batch writes its heat map PNG (`score-slide --heatmap`, for a slide
    /// of one image); nil: none. Written when the image is scored, not when `resume` reuses a score.
    public var heatmapFile: String?

    public init(threads: Int) { self.threads = max(1, threads) }
}

/// Scores slides' tiles in parallel with bounded memory and deterministic output.
///
/// All tiles of all slides form one job list; `threads` workers take the next job in turn, so at
/// most `threads` images are in memory, and each result lands in its own slot, so the output is
/// the same whatever the thread count or finishing order. A tile that cannot be read or scored
/// becomes a `FailureRecord` and the batch goes on.
public struct BatchRunner: Sendable {
    public var engine: ScoringEngine
    public var stains: StainResolver
    public var options: BatchOptions

    public init(engine: ScoringEngine, stains: StainResolver, options: BatchOptions) {
        self.engine = engine; self.stains = stains; self.options = options
    }

    private enum Outcome: Sendable { case scored(TileRecord), failed(FailureRecord) }

    private struct Job: Sendable { var slide: Int; var row: ManifestRow }

    /// One part per slide, in the order given.
    public func run(_ slides: [ManifestSlide], folder: String, label: String = "stainshift run") throws(PipelineError) -> [SlidePart] {
        if let dir = options.cacheDirectory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw PipelineError(path: dir, reason: "cannot create the cache folder: \(error.localizedDescription)")
            }
        }
        if let dir = options.mapsDirectory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw PipelineError(path: dir, reason: "cannot create the maps folder: \(error.localizedDescription)")
            }
        }
        let choices = slides.map { stainChoice(for: $0, folder: folder) }
        let jobs = slides.indices.flatMap { s in
            (try? choices[s].get()) == nil ? [] : slides[s].rows.map { Job(slide: s, row: $0) }
        }
        let progress = ProgressReporter(mode: options.progress, total: jobs.count, label: label)
        let slots = ResultSlots<Outcome>(count: jobs.count)
        let state = RunState(remaining: slides.map { _ in 0 })
        for job in jobs { state.remaining[job.slide] += 1 }
        let workers = max(1, min(options.threads, jobs.count))
        let innerThreads = max(1, options.threads / workers)
        let engine = engine, options = options
        let cache = options.cacheDirectory.map(ScoreCache.init(directory:))

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            // Each worker's image-sized buffers go from one tile to the next without new page faults.
            let pool = BufferPool()
            while let i = state.take(limit: jobs.count, stopAfter: options.stopAfter) {
                let job = jobs[i]
                guard case .success(let choice) = choices[job.slide] else { continue }
                // With a tile per core (innerThreads 1) the scorer keeps each tile's kernels on its
                // worker's thread (`ScoringSettings.threads` bounds them).
                let outcome = Self.scoreTile(job.row, choice: choice, engine: engine, cache: cache,
                                             resume: options.resume, threads: innerThreads, pool: pool,
                                             maps: options.mapsDirectory, heatmap: options.heatmapFile)
                slots.set(i, outcome)
                progress.tileDone()
                if let left = state.finish(slide: job.slide) , left == 0 {
                    let outcomes = jobs.indices.filter { jobs[$0].slide == job.slide }.compactMap { slots.get($0) }
                    let failed = outcomes.filter { if case .failed = $0 { true } else { false } }.count
                    progress.slideDone(slides[job.slide].id, tiles: outcomes.count - failed, failed: failed)
                }
            }
        }
        if state.stopped {
            throw PipelineError(.interrupted, path: label, reason: "stopped after \(options.stopAfter ?? 0) tiles")
        }

        var tiles = slides.map { _ in [TileRecord]() }, failures = slides.map { _ in [FailureRecord]() }
        for (i, job) in jobs.enumerated() {
            switch slots.get(i) {
            case .scored(let t): tiles[job.slide].append(t)
            case .failed(let f): failures[job.slide].append(f)
            case nil: break
            }
        }
        let parts: [SlidePart] = slides.indices.map { s in
            let slide = slides[s]
            switch choices[s] {
            case .success(let choice):
                return SlidePart(version: StainShiftVersion.current, slide: slide.id, patient: slide.patient,
                                 timepoint: slide.timepoint, marker: slide.marker, stains: choice.text,
                                 stainsSource: choice.source, stainVectors: choice.matrix.givenStains,
                                 tiles: tiles[s], failures: failures[s])
            case .failure(let error):
                let f = slide.rows.map {
                    var r = FailureRecord(line: $0.line, image: $0.image, stage: "stains", error: "\(error)")
                    r.slide = slide.id
                    return r
                }
                return SlidePart(version: StainShiftVersion.current, slide: slide.id, patient: slide.patient,
                                 timepoint: slide.timepoint, marker: slide.marker, stains: "", stainsSource: slide.stains ?? options.defaultStains,
                                 stainVectors: [], tiles: [], failures: f)
            }
        }
        // What the report's methods state, carried by every part (`cohort` reads them back).
        return parts.map { part in
            var part = part
            part.settings = engine.settings
            return part
        }
    }

    /// The slide's stains: its manifest value, else the run default; `auto` pools the slide's tiles.
    func stainChoice(for slide: ManifestSlide, folder: String) -> Result<StainChoice, PipelineError> {
        let spec = slide.stains ?? options.defaultStains
        do {
            if StainResolver.isAuto(spec) { return .success(try estimate(slide)) }
            return .success(try stains.resolve(spec, folder: folder))
        } catch let e as PipelineError {
            return .failure(e)
        } catch {
            return .failure(PipelineError(path: spec, reason: "\(error)"))
        }
    }

    /// Macenko estimate from every k-th pixel of every readable tile of the slide.
    func estimate(_ slide: ManifestSlide) throws -> StainChoice {
        let per = max(1, options.autoStainPixels / max(1, slide.rows.count))
        let samples = ResultSlots<[UInt8]>(count: slide.rows.count)
        let rows = slide.rows
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.threads, rows.count))) { w in
            var i = w
            while i < rows.count {
                if let image = try? ImageReader.read(rows[i].path) { samples.set(i, Self.subsample(image, count: per)) }
                i += max(1, min(options.threads, rows.count))
            }
        }
        let pooled = samples.all.compactMap { $0 }.flatMap { $0 }
        guard pooled.count >= 3 * 100 else {
            throw PipelineError(path: slide.id, reason: "too few readable pixels to estimate stains (auto)")
        }
        let image = RGBImage(width: pooled.count / 3, height: 1, samples: .uint8(pooled))
        return stains.estimate(image)
    }

    /// About `count` evenly strided pixels as 8-bit RGB.
    static func subsample(_ image: RGBImage, count: Int) -> [UInt8] {
        switch image.strided(by: image.pixelCount / max(1, count)).samples {
        case .uint8(let s): return s
        case .uint16(let s): return s.map { UInt8(truncatingIfNeeded: Int($0) >> 8) }
        }
    }

    private static func scoreTile(_ row: ManifestRow, choice: StainChoice, engine: ScoringEngine, cache: ScoreCache?,
                                  resume: Bool, threads: Int, pool: BufferPool? = nil, maps: String? = nil,
                                  heatmap: String? = nil) -> Outcome {
        func fail(_ stage: String, _ error: String) -> Outcome {
            var f = FailureRecord(line: row.line, image: row.image, stage: stage, error: error)
            f.slide = row.slide
            return .failed(f)
        }
        let sha: String
        do { sha = try ScoreCache.sha256(ofFile: row.path) } catch { return fail("read", error.description) }
        // The row's regions (a bad or empty file fails this row only), and what they add to the cache key.
        var regions: RegionScoring?, regionKey = ""
        if let file = row.regions {
            do throws(EvaluationError) {
                regions = RegionScoring(regions: try GeoJSONRegions.read(file), regionClass: row.regionClass)
            } catch { return fail("regions", error.description) }
            let regionSHA = (try? ScoreCache.sha256(ofFile: file)) ?? file
            regionKey = "\nregions=\(regionSHA)\nregion_class=\(row.regionClass ?? "")"
        }
        // The row's own cell classifier (`cell_classifier`; a model that cannot be loaded fails this
        // row only), loaded once per batch, and what it adds to the cache key.
        var classifier: RowCellClassifier?
        if let name = row.cellClassifier {
            do throws(PipelineError) { classifier = try RowCellClassifier.load(name) } catch {
                return fail("cell_classifier", error.description)
            }
        }
        let classifierKey = classifier.map { "\nrow_cell_classifier=\($0.key)" } ?? ""
        // Images larger than the analysis tile are scored tile by tile from the file (the tile size
        // joins their cache key; smaller images keep theirs).
        let tiled = engine.scoreTiled.flatMap { scorer in
            (try? ImageReader.info(row.path)).flatMap {
                TiledScorer.needsTiling(width: $0.width, height: $0.height, tileSize: engine.tileSize) ? scorer : nil
            }
        }
        let parameters = [
            "version=\(StainShiftVersion.current)", "marker=\(row.marker)", engine.parameters(row.marker),
            "stains=\(choice.text)", "pixel_size=\(row.pixelSize.map { String($0) } ?? "file")",
        ].joined(separator: "\n") + (tiled == nil ? "" : "\ntile_size=\(engine.tileSize)") + regionKey + classifierKey
        let key = ScoreCache.key(fileSHA: sha, parameters: parameters)
        var score: TileScore
        if resume, let cached = cache?.load(key) {
            score = cached
        } else if let tiled {
            do {
                score = try tiled(ScoringEngine.FileJob(path: row.path, name: row.image, marker: row.marker,
                                                        stains: choice.matrix, pixelSize: row.pixelSize, threads: threads,
                                                        regions: regions,
                                                        mapPrefix: maps.map { URL(fileURLWithPath: $0).appendingPathComponent(SlideMaps.stem(slide: row.slide, line: row.line)).path },
                                                        cellClassifier: classifier, heatmap: heatmap))
            } catch {
                return fail("score", "\(error)")
            }
            do { try cache?.store(score, key: key) } catch { return fail("cache", error.description) }
        } else {
            let image: RGBImage
            do { image = try ImageReader.read(row.path) } catch { return fail("read", error.description) }
            do {
                score = try engine.score(ScoringEngine.Job(image: image, name: row.image, marker: row.marker,
                                                           stains: choice.matrix, pixelSize: row.pixelSize, threads: threads,
                                                           pool: pool, regions: regions, cellClassifier: classifier, heatmap: heatmap))
            } catch {
                return fail("score", "\(row.path): \(error)")
            }
            do { try cache?.store(score, key: key) } catch { return fail("cache", error.description) }
        }
        score.image = row.image
        var record = TileRecord(patient: row.patient, timepoint: row.timepoint, marker: row.marker, slide: row.slide,
                                image: row.image, sha256: sha, score: score)
        record.scores = engine.scores(row.marker, score.totals)
        return .scored(record)
    }
}

/// Shared counters of a batch: the next job, tiles left per slide, and the stop flag.
final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    var remaining: [Int]
    private var next = 0
    private var completed = 0
    private(set) var stopped = false

    init(remaining: [Int]) { self.remaining = remaining }

    func take(limit: Int, stopAfter: Int?) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        if let stopAfter, next >= stopAfter { stopped = true; return nil }
        defer { next += 1 }
        return next
    }

    func finish(slide: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        completed += 1
        remaining[slide] -= 1
        return remaining[slide]
    }
}
