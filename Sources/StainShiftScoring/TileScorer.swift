import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue

extension TileScorer {
    /// Scores one tile for one marker: the additive totals and QC flags that cohorts sum.
    /// With a `pool` (one per worker), the tile's image-sized buffers are returned to it afterwards,
    /// so the next tile of the same size reuses them without page faults.
    /// With a `core`, only the cells and pixels of that part of the image are counted (see `assemble`).
    public static func score(_ image: consuming RGBImage, name: String, marker: Marker, settings: ScoringSettings,
                             pool: BufferPool? = nil, core: TileRect? = nil) -> TileScore {
        let pool = pool ?? .passThrough
        var analysis = analyse(image, name: name, marker: marker, settings: settings, pool: pool, core: core)
        analysis.recycle(into: pool)
        return analysis.score
    }

    /// Scores one tile and keeps what the score came from (planes, tissue, cells, bins) for
    /// `--cells` and `--overlay`. Empty, blank or saturated tiles give valid, flagged results.
    /// Buffers are borrowed from `pool` (see `BufferPool`). The image is needed only until tissue
    /// and QC are done: pass one the caller no longer uses (a temporary) and it is freed then.
    /// A `core` keeps only the cells whose centroid lies in it, and counts only its pixels (`assemble`).
    public static func analyse(_ image: consuming RGBImage, name: String, marker: Marker, settings: ScoringSettings,
                               pool: BufferPool? = nil, core: TileRect? = nil) -> TileAnalysis {
        // The threads asked for (1: a scheduler running a tile per core) bound every kernel's
        // chunks, which stay the same, so the results do too. A limit already set (a batch
        // worker's) stands.
        let outerLimit = Parallel.setThreadLimit(Parallel.threadLimit ?? settings.threads)
        defer { Parallel.setThreadLimit(outerLimit) }
        let pool = pool ?? .passThrough
        var clock = StageClock()
        let px = settings.pixelSize(for: image)
        var planes = StainPlanes(width: image.width, height: image.height, matrix: settings.stains,
                                 values: pool.floatsToOverwrite(3 * image.pixelCount))
        Deconvolution.deconvolve(image, matrix: settings.stains, background: settings.background,
                                 threads: settings.threads, into: &planes)
        clock.lap("deconvolution")
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: px, pool: pool)
        let flags = TileQC.assess(image, planes: planes, tissue: tissue)
        _ = consume image
        let parameters = cellParameters(for: marker, pixelSizeMicrons: px, settings: settings)
        // From here on only hematoxylin and DAB are read; a single tile (no reuse planned) gives the
        // third plane's memory back.
        if pool.capacity == 0, parameters.channel != .opticalDensitySum,
           let k = planes.matrix.index(of: .hematoxylin), let d = planes.matrix.index(of: .dab), k < 2, d < 2 {
            planes.releaseLastPlane()
        }
        clock.lap("tissue+qc")
        let segmentation = CellDetector.detect(planes, tissue: tissue, parameters: parameters, pool: pool)
        clock.lap("cells")
        var analysis = assemble(name: name, marker: marker, planes: planes, tissue: tissue, segmentation: segmentation,
                                qcFlags: flags, pixelSizeMicrons: px, settings: settings, core: core)
        clock.lap("scoring")
        analysis.timings = clock.laps
        return analysis
    }

    /// Detection settings for a marker: the settings' preset, threshold and OD factor; nuclei are found on
    /// hematoxylin, or on hematoxylin + DAB for nuclear markers (a strongly stained nucleus is brown,
    /// not blue), except with qupath-0.3, which keeps QuPath's optical density sum.
    public static func cellParameters(for marker: Marker, pixelSizeMicrons: Double,
                                      settings: ScoringSettings = ScoringSettings()) -> CellParameters {
        var p = settings.detection.parameters(pixelSizeMicrons: pixelSizeMicrons, threshold: settings.detectionThreshold)
        if settings.detection != .qupath03 { p.channel = marker.nuclearStain ? .hematoxylinPlusDAB : .hematoxylin }
        p.measurementODScale = settings.odScale.map { Float($0) }
        return p
    }
}

/// Wall-clock time of each scoring stage, for `stainshift score --timings` and benchmarks.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now &- last) / 1e9))
        last = now
    }
}
