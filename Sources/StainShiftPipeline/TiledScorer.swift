import Foundation
import StainShiftCells
import StainShiftCohort
import StainShiftImaging
import StainShiftScoring
import StainShiftStains
import StainShiftTissue
#if canImport(Glibc)
import Glibc
import StainShiftFoundation
#endif

/// Scores an image of any size by region reads, tile by tile (issue 16): a low-resolution tissue
/// map first (`TissueOverview`), then a grid of analysis tiles (`TileGrid`: cores of `tileSize`,
/// read with an overlap wider than a cell); tiles with almost no tissue are skipped, the others
/// scored across `settings.threads` workers, each with its own `BufferPool`, counting only the
/// cells whose centroid lies in the tile's core and only core pixels. Tile totals are summed in
/// grid order, so the result does not depend on the thread count, and memory is bounded by the
/// tiles in flight (one per worker), never by the image's size.
public struct TiledScorer: Sendable {
    /// `--tile-size` default: the analysis tile edge in pixels (1 mm at 0.5 µm/px).
    public static let defaultTileSize = 2048
    /// Smallest `--tile-size`: below it the overlap (48 px each side at 0.5 µm) dominates the work.
    public static let minimumTileSize = 256
    /// Largest image whose tiled overlay is drawn (8192 x 8192 px, a 200 MB RGB buffer); above it
    /// `--overlay` is refused rather than holding an image-sized picture.
    public static let overlayPixelLimit = 8192 * 8192

    public var marker: Marker
    public var settings: ScoringSettings
    public var tileSize: Int
    public var page: Int = 0
    /// Tiles whose core is less than this fraction tissue (on the overview) are not analysed.
    public var minTissueFraction: Double = 0.01
    public var progress: ProgressReporter.Mode = .quiet
    /// Keep every counted cell (image coordinates) for `--cells`.
    public var keepCells = false
    /// With `keepCells`, also trace each kept cell's outline (`CellOutline`) for `--cells-geojson`.
    public var keepOutlines = false
    /// Draw the overlay (`ScoreOverlay`) tile by tile into one image-sized picture.
    public var drawOverlay = false
    /// Keep each worker's tile buffers for its next tile (`BufferPool`): saves the page faults of
    /// fresh buffers (every stage's buffers faulted in again per tile, as a single tile's are once)
    /// but holds every stage's buffers at once, about 3x the memory of a tile whose buffers are
    /// freed as soon as they are done. nil (the default): kept when the workers' pools fit
    /// `poolBudgetBytes` together (`keepsBuffers`), freed otherwise.
    public var reuseBuffers: Bool? = nil
    /// What a worker's pool holds per pixel of its largest read when buffers are kept (measured:
    /// 370 MB for 2310² reads, 69 bytes a pixel).
    public static let pooledBytesPerPixel = 72
    /// The most the workers' pools may hold together for buffers to be kept: 1 GiB, so a slide's
    /// peak stays within issue 16's 1.5 GB with the tiles in flight and the rest of the run.
    public static let poolBudgetBytes = 1 << 30

    /// Whether `workers` workers keep their buffers from tile to tile on `grid`.
    public func keepsBuffers(_ grid: TileGrid, workers: Int) -> Bool {
        if let reuseBuffers { return reuseBuffers }
        let largest = grid.tiles.map(\.read.pixelCount).max() ?? 0
        return workers * largest * Self.pooledBytesPerPixel <= Self.poolBudgetBytes
    }
    /// Count each tile's cells into a heat map of positive cells per mm² with bins of this edge (µm),
    /// keeping only their centres (`Heatmap.Point`); nil: no heat map.
    public var heatmapBinMicrons: Double? = nil

    public init(marker: Marker, settings: ScoringSettings, tileSize: Int = TiledScorer.defaultTileSize) {
        self.marker = marker; self.settings = settings; self.tileSize = tileSize
    }

    /// Whether an image of this size goes through the tiled path: larger than one tile either way.
    /// Smaller images are scored whole, exactly as before tiling existed.
    public static func needsTiling(width: Int, height: Int, tileSize: Int) -> Bool {
        width > tileSize || height > tileSize
    }

    /// The scored image and how it was tiled.
    public struct Result: Sendable {
        public var score: TileScore
        public var grid: TileGrid
        public var overview: TissueOverview
        /// Per grid tile (grid order): its totals (skipped tiles: only `imagePixels`) and whether it was analysed.
        public var tileTotals: [TileTotals]
        public var analysed: [Bool]
        /// Counted cells in image coordinates, grid order, labelled 1, 2, ... (with `keepCells`).
        public var cells: [Cell] = []
        public var calls: [CellCall] = []
        /// Per kept cell, its outline in image coordinates (with `keepOutlines`).
        public var outlines: [CellOutline] = []
        public var overlay: RGBImage?
        /// With `heatmapBinMicrons`: every counted cell of the image in its bins.
        public var heatmap: Heatmap?
        /// The stains every tile was unmixed with (with `estimatesStains`, the image's estimate).
        public var stains: StainMatrix = StainPresets.hDAB
        /// Wall-clock seconds of the tissue map and of the tiles (read, score, sum), for `--timings`.
        public var timings: [(stage: String, seconds: Double)] = []
        /// Whether the workers kept their buffers from tile to tile (`reuseBuffers`).
        public var buffersKept = false

        public var tilesAnalysed: Int { analysed.filter { $0 }.count }
        public var tilesSkipped: Int { analysed.count - tilesAnalysed }
    }

    /// Scores the image at `path` (recorded as `name`).
    public func score(_ path: String, name: String) throws(PipelineError) -> Result {
        let info: ImageInfo
        do { info = try ImageReader.info(path, page: page) } catch { throw PipelineError(path: path, reason: error.reason) }
        guard tileSize >= Self.minimumTileSize else {
            throw PipelineError(.usage, path: path, reason: "tile size \(tileSize) is below \(Self.minimumTileSize) px")
        }
        if drawOverlay, info.width * info.height > Self.overlayPixelLimit {
            throw PipelineError(.usage, path: path, reason: "an overlay of \(info.width) x \(info.height) px exceeds the limit of 8192 x 8192 px")
        }
        var tileSettings = settings
        // One pixel size for every tile: declared, else estimated once on the central tile.
        let (px, pixelSource) = try Self.pixelSize(path, info: info, page: page, tileSize: tileSize, settings: settings)
        tileSettings.pixelSizeMicrons = px
        tileSettings.pixelSizeSource = pixelSource
        let parameters = TileScorer.cellParameters(for: marker, pixelSizeMicrons: px, settings: tileSettings)
        let grid = TileGrid(width: info.width, height: info.height, tileSize: tileSize, margin: TileGrid.margin(for: parameters))
        let threads = max(1, settings.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let start = Date()
        // Decided before the tissue map (whose reads the malloc settings cover too), for the most workers the grid can use.
        let reuse = keepsBuffers(grid, workers: min(threads, grid.tiles.count))
        if !reuse { MemoryTrim.mapLargeBuffers() }
        let overview = try TiledTissue.overview(path, info: info, page: page, pixelSizeMicrons: px,
                                                settings: settings, threads: threads)
        // One white point for every tile: measured on the overview's glass blocks.
        if settings.background == nil, settings.estimatesBackground {
            let blocks = RGBImage(width: overview.width, height: overview.height, samples: .uint8(overview.colours))
            let estimate = BackgroundEstimator.estimate(blocks)
            tileSettings.imageWhitePoint = estimate.warning == nil ? estimate.whitePoint : nil
            if estimate.warning != nil { tileSettings.estimatesBackground = false }
        }
        let analysed = grid.tiles.map {
            overview.tissueFraction(x: $0.core.x, y: $0.core.y, width: $0.core.width, height: $0.core.height) >= minTissueFraction
        }
        // `--stains auto`: one estimate for the whole image, from its tissue tiles.
        tileSettings.stains = try TiledStains.choose(path, page: page, tiles: grid.tiles, analysed: analysed, settings: settings)
        tileSettings.estimatesStains = false
        let mapped = Date()
        let jobs = grid.tiles.indices.filter { analysed[$0] }
        let workers = max(1, min(threads, jobs.count))
        tileSettings.threads = max(1, threads / workers)
        let reporter = ProgressReporter(mode: progress, total: jobs.count, label: "stainshift score")
        let canvas = drawOverlay ? OverlayCanvas(width: info.width, height: info.height) : nil
        let slots = ResultSlots<Swift.Result<TileOutcome, PipelineError>>(count: jobs.count)
        let next = TileCounter()
        let (marker, keepCells, perTile) = (self.marker, self.keepCells, tileSettings)
        let source = try TileSource(path, info: info, page: page)
        let keepPoints = heatmapBinMicrons != nil
        let keepOutlines = keepCells && self.keepOutlines
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let pool = reuse ? BufferPool() : .passThrough
            while let j = next.take(below: jobs.count) {
                let tile = grid.tiles[jobs[j]]
                slots.set(j, Self.analyse(tile, source: source, name: name, marker: marker, settings: perTile,
                                          pool: pool, keepCells: keepCells, keepOutlines: keepOutlines,
                                          keepPoints: keepPoints, canvas: canvas))
                reporter.tileDone()
                // Freed tile buffers go back to the system, so a worker's next tile (of another
                // size at the image's edge, or on another thread's heap) does not grow the process.
                MemoryTrim.release()
            }
        }
        var totals = grid.tiles.map { t -> TileTotals in
            var e = TileTotals(); e.imagePixels = t.core.pixelCount; return e
        }
        var outcomes: [TileOutcome] = []
        for (j, slot) in slots.all.enumerated() {
            guard let slot else { continue }
            let outcome = try slot.get()
            totals[jobs[j]] = outcome.score.totals
            outcomes.append(outcome)
        }
        var combined = combine(totals, outcomes: outcomes, name: name, pixelSize: px)
        combined.pixelSizeSource = pixelSource
        combined.whitePoint = outcomes.first?.score.whitePoint
        combined.whitePointSource = outcomes.first?.score.whitePointSource
        var result = Result(score: combined, grid: grid, overview: overview, tileTotals: totals, analysed: analysed)
        result.stains = tileSettings.stains
        result.buffersKept = reuse
        if keepCells {
            for o in outcomes {
                for (cell, call) in zip(o.cells, o.calls) {
                    var c = cell, k = call
                    c.label = Int32(truncatingIfNeeded: result.cells.count + 1); k.label = c.label
                    result.cells.append(c); result.calls.append(k)
                }
                result.outlines += o.outlines
            }
        }
        result.overlay = canvas?.image(pixelSizeMicrons: info.pixelSizeMicrons)
        if let bin = heatmapBinMicrons {
            var map = Heatmap(imageWidth: info.width, imageHeight: info.height, pixelSizeMicrons: px, binMicrons: bin)
            for o in outcomes { map.add(o.points) }
            result.heatmap = map
        }
        result.timings = [("tissue map", mapped.timeIntervalSince(start)), ("tiles", Date().timeIntervalSince(mapped))]
        // Each stage summed over the tiles (seconds of the workers together, so up to `workers` x the wall time).
        for (k, stage) in Self.tileStages.enumerated() {
            result.timings.append(("tiles' " + stage, outcomes.reduce(0) { $0 + ($1.timings.count > k ? $1.timings[k] : 0) }))
        }
        return result
    }

    /// The pixel size for every tile and where it came from: the settings' or the file's, else
    /// estimated from the nuclei of the central `tileSize` region (`NucleusScale`), else 0.5 µm.
    static func pixelSize(_ path: String, info: ImageInfo, page: Int, tileSize: Int,
                          settings: ScoringSettings) throws(PipelineError) -> (Double, PixelSizeSource) {
        let probe = RGBImage(width: 0, height: 0, samples: .uint8([]), pixelSizeMicrons: info.pixelSizeMicrons)
        if let declared = settings.declaredPixelSize(for: probe) { return declared }
        let w = min(tileSize, info.width), h = min(tileSize, info.height)
        let centre: RGBImage
        do {
            centre = try ImageReader.readRegion(path, x: (info.width - w) / 2, y: (info.height - h) / 2, width: w, height: h,
                                                options: ReadOptions(page: page))
        } catch { throw PipelineError(path: path, reason: "pixel size estimate: \(error.reason)") }
        let planes = Deconvolution.deconvolve(centre, matrix: settings.stains, whitePoint: settings.whitePoint(for: centre).point)
        return settings.pixelSize(for: centre, planes: planes)
    }

    /// What one analysed tile gives back: its score and, when kept, its counted cells (image coordinates).
    struct TileOutcome: Sendable {
        var score: TileScore
        var cells: [Cell] = []
        var calls: [CellCall] = []
        var outlines: [CellOutline] = []
        var points: [Heatmap.Point] = []
        /// Seconds of the read and of each `TileScorer.analyse` stage (`TiledScorer.tileStages`).
        var timings: [Double] = []
    }

    /// The stages a tile's time is split into for `--timings`: its read, then `TileScorer.analyse`'s laps.
    static let tileStages = ["read", "deconvolution", "tissue+qc", "cells", "scoring"]

    static func analyse(_ tile: TileGrid.Tile, source: TileSource, name: String, marker: Marker,
                        settings: ScoringSettings, pool: BufferPool, keepCells: Bool, keepOutlines: Bool = false,
                        keepPoints: Bool = false, canvas: OverlayCanvas?) -> Swift.Result<TileOutcome, PipelineError> {
        let r = tile.read, start = Date()
        let image: RGBImage
        do { image = try source.read(r) } catch {
            return .failure(PipelineError(path: source.path, reason: "tile at (\(tile.core.x), \(tile.core.y)): \(error.reason)"))
        }
        let read = Date().timeIntervalSince(start)
        let picture: RGBImage? = canvas == nil ? nil : image
        var analysis = TileScorer.analyse(image, name: name, marker: marker, settings: settings, pool: pool, core: tile.localCore)
        if let canvas, let picture { canvas.paste(ScoreOverlay.render(picture, analysis: analysis), core: tile.localCore, at: tile.core) }
        var outcome = TileOutcome(score: analysis.score)
        outcome.timings = [read] + analysis.timings.map(\.seconds)
        if keepPoints {
            outcome.points = Heatmap.points(analysis.segmentation.cells, calls: analysis.calls, marker: marker,
                                            dx: Double(r.x), dy: Double(r.y))
        }
        if keepCells {
            outcome.cells = analysis.segmentation.cells.map { c in
                var c = c; c.centroidX += Double(r.x); c.centroidY += Double(r.y); return c
            }
            outcome.calls = analysis.calls
            if keepOutlines {
                outcome.outlines = CellOutline.outlines(analysis.segmentation, cells: analysis.segmentation.cells)
                    .map { $0.offset(dx: r.x, dy: r.y) }
            }
        }
        analysis.recycle(into: pool)
        return .success(outcome)
    }

    /// The image's score: tile totals summed in grid order; QC flags of the whole (low tissue and too
    /// few cells from the sums; saturated or out of focus when the flagged tiles hold at least half
    /// the tissue); the OD factor is the median of the analysed tiles'.
    func combine(_ totals: [TileTotals], outcomes: [TileOutcome], name: String, pixelSize: Double) -> TileScore {
        var sum = TileTotals()
        for t in totals { sum += t }
        var flags = Set<QCFlag>()
        let fraction = sum.imagePixels == 0 ? 0 : Double(sum.tissuePixels) / Double(sum.imagePixels)
        if fraction < TileQC.minTissueFraction { flags.insert(.lowTissue) }
        if marker.scoredCells(sum).total < settings.minimumCells { flags.insert(.tooFewCells) }
        for flag in [QCFlag.saturated, .outOfFocus] {
            let tissue = outcomes.filter { $0.score.qcFlags.contains(flag) }.reduce(0) { $0 + $1.score.totals.tissuePixels }
            if sum.tissuePixels > 0, 2 * tissue >= sum.tissuePixels { flags.insert(flag) }
        }
        let scales = outcomes.compactMap(\.score.odScale).sorted()
        return TileScore(image: name, marker: marker.name, totals: sum, qcFlags: flags.sorted(), pixelSizeMicrons: pixelSize,
                         odScale: scales.isEmpty ? nil : scales[(scales.count - 1) / 2])
    }
}

/// Where a tiled run reads its tiles. Level 0 of a whole slide: through one OpenSlide handle,
/// opened once for the run and shared by the workers (OpenSlide handles are thread-safe), so no
/// tile pays for opening the slide again and tiles read at the same time share its tile cache; and
/// for a generic pyramidal TIFF with lossless compression, through libtiff directly
/// (`ImageReader.readTIFFRegion`, half OpenSlide's time per tile: it converts every TIFF tile to
/// RGBA and composites it), once a probe region has read the same bytes both ways. Any other file
/// (or page): `ImageReader.readRegion`. The pixels are the same whichever way.
struct TileSource: Sendable {
    let path: String
    let page: Int
    let slide: SlideReader?
    /// Level 0 read through libtiff (`readTIFFRegion`) rather than OpenSlide.
    let direct: Bool

    static let losslessCompressions: Set<String> = ["none", "lzw", "deflate", "packbits", "lzma", "zstd"]

    init(_ path: String, info: ImageInfo, page: Int) throws(PipelineError) {
        self.path = path; self.page = page
        guard info.format == .slide, page == 0 else { slide = nil; direct = false; return }
        let slide: SlideReader
        do { slide = try SlideReader(path) } catch { throw PipelineError(path: path, reason: error.reason) }
        self.slide = slide
        direct = slide.vendor == "generic-tiff" && Self.losslessCompressions.contains(info.compression)
            && Self.sameBytes(slide, info: info)
    }

    /// Whether libtiff and OpenSlide read the same bytes in a 64 x 64 probe at the slide's centre.
    static func sameBytes(_ slide: SlideReader, info: ImageInfo) -> Bool {
        let side = min(64, info.width, info.height), x = (info.width - side) / 2, y = (info.height - side) / 2
        let options = ReadOptions(page: 0, threads: 1)
        guard let a = try? ImageReader.readTIFFRegion(slide.path, x: x, y: y, width: side, height: side, options: options),
              let b = try? slide.readRegion(level: 0, x: x, y: y, width: side, height: side, options: options) else { return false }
        return a.samples == b.samples && a.width == b.width && a.height == b.height
    }

    /// The region `r` (image pixels) as 8-bit RGB, decoded on the calling thread.
    func read(_ r: TileRect) throws(FileError) -> RGBImage {
        let options = ReadOptions(page: page, threads: 1)
        if direct {
            var image = try ImageReader.readTIFFRegion(path, x: r.x, y: r.y, width: r.width, height: r.height, options: options)
            image.pixelSizeMicrons = slide?.pixelSizeMicrons ?? image.pixelSizeMicrons
            return image
        }
        if let slide { return try slide.readRegion(level: 0, x: r.x, y: r.y, width: r.width, height: r.height, options: options) }
        return try ImageReader.readRegion(path, x: r.x, y: r.y, width: r.width, height: r.height, options: options)
    }
}

/// The next job index for a pool of workers.
final class TileCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        defer { next += 1 }
        return next
    }
}

/// Keeps a tiled run's memory at what its tiles in flight use, under glibc (nothing elsewhere).
///
/// glibc serves a freed large buffer's size from its heaps afterwards (the mmap threshold rises to
/// the largest freed block, up to 32 MB), and with two workers allocating and freeing tile buffers
/// of several sizes its per-thread heaps fragment: a 16384² run measured 250 MB in one run and
/// 710 MB in another. A fixed 4 MB threshold maps every tile-sized buffer on its own and unmaps it
/// when freed; `malloc_trim` hands back what the heaps still hold between tiles. Both are looked up
/// at run time: Swift's Glibc module does not export `<malloc.h>`.
enum MemoryTrim {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    private static let trim: Trim? = symbol("malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    private static let option: Option? = symbol("mallopt").map { unsafeBitCast($0, to: Option.self) }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        #if canImport(Glibc)
        return dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
        #else
        return nil
        #endif
    }

    /// Buffers of 4 MB and more are mapped and unmapped on their own (`mallopt(M_MMAP_THRESHOLD)`),
    /// and threads share one heap (`M_ARENA_MAX` 1) that `malloc_trim` can return.
    static func mapLargeBuffers() {
        let mmapThreshold: Int32 = -3, arenaMax: Int32 = -8   // M_MMAP_THRESHOLD, M_ARENA_MAX in <malloc.h>
        _ = option?(mmapThreshold, 4 << 20)
        _ = option?(arenaMax, 1)
    }

    /// Returns freed heap memory to the system.
    static func release() { _ = trim?(0) }
}
