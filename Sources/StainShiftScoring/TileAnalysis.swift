import StainShiftImaging
import StainShiftCells
import StainShiftStains
import StainShiftTissue

/// A scored tile with everything behind the score: OD planes, tissue, cells and each cell's bins.
/// What `--cells` and `--overlay` are written from; `score` is what travels on to cohorts.
public struct TileAnalysis: Sendable {
    public var score: TileScore
    public var marker: Marker
    public var planes: StainPlanes
    public var tissue: TissueMask
    public var segmentation: CellSegmentation
    /// One per `segmentation.cells`, same order.
    public var calls: [CellCall]

    /// Seconds spent in each stage (deconvolution, tissue+qc, cells, scoring); empty from `assemble`.
    public var timings: [(stage: String, seconds: Double)] = []

    /// The marker's scores of this tile.
    public var scores: [MarkerScore] { marker.scores(score.totals) }

    /// Hands the planes, masks and label maps to `pool` for the next tile (they are left empty;
    /// `score` and the cells stay).
    public mutating func recycle(into pool: BufferPool) {
        pool.recycle(&planes.values)
        pool.recycle(&tissue.mask)
        pool.recycle(&segmentation.nucleusLabels)
        pool.recycle(&segmentation.cellLabels)
        pool.recycle(&segmentation.membraneMask)
    }
}

extension TileScorer {
    /// Scores a tile whose planes, tissue and cells are already known: bins every cell, counts
    /// tissue pixels per DAB bin, and adds `too_few_cells` when the scored population is small.
    public static func assemble(name: String, marker: Marker, planes: StainPlanes, tissue: TissueMask,
                                segmentation: CellSegmentation, qcFlags: [QCFlag], pixelSizeMicrons: Double,
                                settings: ScoringSettings) -> TileAnalysis {
        var totals = TileTotals()
        totals.tiles = 1
        totals.imagePixels = planes.pixelCount
        totals.tissuePixels = tissue.width == planes.width && tissue.height == planes.height ? tissue.areaPixels : 0
        let pixels = PixelScoring.totals(planes, tissue: tissue, thresholds: marker.pixelThresholds,
                                            scale: segmentation.odScale, threads: settings.threads)
        totals.pixels = pixels.bins
        totals.pixelDABSum = pixels.dabSum
        let calls = CellScoring.calls(segmentation, planes: planes, marker: marker)
        CellScoring.accumulate(calls, cells: segmentation.cells, into: &totals)
        var flags = Set(qcFlags)
        if marker.scoredCells(totals).total < settings.minimumCells { flags.insert(.tooFewCells) }
        let score = TileScore(image: name, marker: marker.name, totals: totals, qcFlags: flags.sorted(),
                              pixelSizeMicrons: pixelSizeMicrons, odScale: Double(segmentation.odScale))
        return TileAnalysis(score: score, marker: marker, planes: planes, tissue: tissue,
                            segmentation: segmentation, calls: calls)
    }
}

/// Whole-tile scoring: decode → deconvolution → tissue → cells → bins → additive totals.
public enum TileScorer {}
