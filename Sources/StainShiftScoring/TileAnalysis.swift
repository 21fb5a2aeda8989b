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
    /// The class names and roles the cells were classified into (the classifier's, or the morphology
    /// rule's), in the classifier's order.
    public var classNames: [String] = [MorphologyRule.tumourName, MorphologyRule.immuneName]
    public var classRoles: [CellClass] = [.tumour, .lymphocyte]

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
    /// `classes` names each cell's class (`CellClassAssignment.apply`, as `analyse` does); without,
    /// the cells' own roles (`Cell.cellClass`) are kept under their default names.
    ///
    /// With a `core` (an analysis tile of a larger image, in this tile's coordinates), only the
    /// cells whose nucleus centroid lies in the core are kept and counted, and only the core's
    /// pixels enter the pixel and tissue totals: the tile's overlap with its neighbours is context
    /// for detection, counted by the neighbour whose core it is, so every cell is counted once.
    public static func assemble(name: String, marker: Marker, planes: StainPlanes, tissue: TissueMask,
                                segmentation: CellSegmentation, qcFlags: [QCFlag], pixelSizeMicrons: Double,
                                settings: ScoringSettings, core: TileRect? = nil,
                                classes: CellClassAssignment? = nil) -> TileAnalysis {
        var totals = TileTotals()
        totals.tiles = 1
        let whole = TileRect(x: 0, y: 0, width: planes.width, height: planes.height)
        let area = core.map { $0.intersection(whole) ?? TileRect(x: 0, y: 0, width: 0, height: 0) }
        totals.imagePixels = area?.pixelCount ?? planes.pixelCount
        let tissueFits = tissue.width == planes.width && tissue.height == planes.height
        totals.tissuePixels = !tissueFits ? 0 : area.map { tissue.areaPixels(in: $0) } ?? tissue.areaPixels
        let pixels = PixelScoring.totals(planes, tissue: tissue, thresholds: marker.pixelThresholds,
                                            scale: segmentation.odScale, threads: settings.threads, core: area)
        totals.pixels = pixels.bins
        totals.pixelDABSum = pixels.dabSum
        var segmentation = segmentation
        var calls = CellScoring.calls(segmentation, planes: planes, marker: marker)
        let classes = classes.flatMap { $0.perCell.count == calls.count ? $0 : nil }
            ?? CellClassAssignment.fromRoles(segmentation.cells)
        for k in calls.indices { calls[k].className = classes.name(ofCell: k) }
        // Every class of the classifier is listed, with zero cells when a tile has none of it.
        for (name, role) in zip(classes.classNames, classes.roles) { totals.classes[name] = ClassTally(role: role) }
        if let area {
            let keep = segmentation.cells.indices.filter {
                area.contains(x: segmentation.cells[$0].centroidX, y: segmentation.cells[$0].centroidY)
            }
            segmentation.cells = keep.map { segmentation.cells[$0] }
            calls = keep.map { calls[$0] }
        }
        CellScoring.accumulate(calls, cells: segmentation.cells, into: &totals)
        var flags = Set(qcFlags)
        if marker.scoredCells(totals).total < settings.minimumCells { flags.insert(.tooFewCells) }
        let score = TileScore(image: name, marker: marker.name, totals: totals, qcFlags: flags.sorted(),
                              pixelSizeMicrons: pixelSizeMicrons, odScale: Double(segmentation.odScale))
        return TileAnalysis(score: score, marker: marker, planes: planes, tissue: tissue,
                            segmentation: segmentation, calls: calls,
                            classNames: classes.classNames, classRoles: classes.roles)
    }
}

extension TissueMask {
    /// Tissue pixels inside `rect` (which lies within the mask).
    func areaPixels(in rect: TileRect) -> Int {
        var n = 0
        for y in rect.y..<rect.maxY {
            let row = y * width
            for x in rect.x..<rect.maxX { n += Int(mask[row + x]) }
        }
        return n
    }
}

/// Whole-tile scoring: decode → deconvolution → tissue → cells → bins → additive totals.
public enum TileScorer {}
