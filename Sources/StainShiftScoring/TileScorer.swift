import StainShiftFoundation
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
    /// With `settings.estimatesStains` and no `core`, the stains are estimated from this image
    /// (Macenko) and the analysis's planes carry the matrix used.
    public static func analyse(_ image: consuming RGBImage, name: String, marker: Marker, settings given: ScoringSettings,
                               pool: BufferPool? = nil, core: TileRect? = nil) -> TileAnalysis {
        var settings = given
        if given.estimatesStains && core == nil {
            settings.stains = StainEstimation.macenko([copy image], reference: given.stains).matrix
        }
        // The threads asked for (1: a scheduler running a tile per core) bound every kernel's
        // chunks, which stay the same, so the results do too. A limit already set (a batch
        // worker's) stands.
        let outerLimit = Parallel.setThreadLimit(Parallel.threadLimit ?? settings.threads)
        defer { Parallel.setThreadLimit(outerLimit) }
        let pool = pool ?? .passThrough
        var clock = StageClock()
        var planes = StainPlanes(width: image.width, height: image.height, matrix: settings.stains,
                                 values: pool.floatsToOverwrite(3 * image.pixelCount))
        let white = settings.whitePoint(for: image)
        Deconvolution.deconvolve(image, matrix: settings.stains, whitePoint: white.point, threads: settings.threads,
                                 into: &planes)
        let (px, pixelSource) = settings.pixelSize(for: image, planes: planes)
        clock.lap("deconvolution")
        var tissueParameters = TissueParameters()
        if white.source == .estimated { tissueParameters.odThreshold = TissueParameters.odThresholdOverEstimatedWhite }
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: px, parameters: tissueParameters, pool: pool)
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
        var segmentation = CellDetector.detect(planes, tissue: tissue, parameters: parameters, pool: pool)
        // The cells' classes, from the settings' classifier or else the morphology rule, before binning.
        let classifier: any CellClassifying = settings.cellClassifier ?? MorphologyRule(parameters: parameters)
        let classes = CellClassAssignment.apply(classifier, to: &segmentation, planes: planes, pixelSizeMicrons: px)
        clock.lap("cells")
        var analysis = assemble(name: name, marker: marker, planes: planes, tissue: tissue, segmentation: segmentation,
                                qcFlags: flags, pixelSizeMicrons: px, settings: settings, core: core, classes: classes)
        analysis.score.pixelSizeSource = pixelSource
        analysis.score.whitePoint = white.point.components
        analysis.score.whitePointSource = white.source
        clock.lap("scoring")
        analysis.timings = clock.laps
        return analysis
    }

    /// Detection settings for a marker: the settings' preset, threshold and OD factor. The default
    /// preset finds nuclei of nuclear markers on the optical density sum (a blue nucleus and a
    /// DAB-filled one alike, as QuPath's positive cell detection) at a fixed 0.1 OD, and those of
    /// membrane and cytoplasmic markers on hematoxylin at 0.1 hematoxylin units (0.16 OD sum: the
    /// Ruifrok-Johnston hematoxylin vector's OD sum is 1.64), so DAB membranes are not
    /// taken for nuclei. Fixed thresholds, not Otsu: a per-image threshold rises with strong DAB
    /// above the hematoxylin-only nuclei, and makes a nucleus's detection depend on the rest of the
    /// image. qupath-0.3 keeps QuPath's optical density sum for every marker.
    public static func cellParameters(for marker: Marker, pixelSizeMicrons: Double,
                                      settings: ScoringSettings = ScoringSettings()) -> CellParameters {
        var p = settings.detection.parameters(pixelSizeMicrons: pixelSizeMicrons, threshold: settings.detectionThreshold)
        switch settings.detection {
        case .standard:
            p.channel = marker.nuclearStain ? .opticalDensitySum : .hematoxylin
            p.threshold = settings.detectionThreshold
                ?? (marker.nuclearStain ? CellParameters.defaultODSumThreshold : CellParameters.defaultHematoxylinThreshold)
            // Nuclear markers: a second pass on hematoxylin finds the pale blue nuclei the OD sum misses
            // and takes precedence where the two overlap (see `hematoxylinPassThreshold`).
            if marker.nuclearStain { p.hematoxylinPassThreshold = CellParameters.defaultHematoxylinThreshold }
            // --od-scale auto: the image's own factor for detection and measurement alike.
            p.normaliseStains = settings.odScale == nil
        case .distanceWatershed:
            p.channel = marker.nuclearStain ? .hematoxylinPlusDAB : .hematoxylin
        case .qupath03:
            break
        }
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
