import StainShiftCells
import StainShiftEvaluation
import StainShiftScoring
import StainShiftFoundation
import StainShiftTissue

/// `score --regions`: a post-filter on an analysis's cells. A cell is kept when its centroid lies
/// inside a chosen region (`AnnotationRegion.isChosen`: every class, or `--region-class`) and
/// inside no `Ignore*` region; the cell totals are summed again from the kept cells through
/// `CellScoring.accumulate`, so every cell score follows. Pixel and tissue totals stay those of the
/// whole image (or of the tiled image's cores): only cells are restricted to the regions, and the
/// IC score's tumour area is the chosen regions' summed area (`TileTotals.regionPixels`).
public struct RegionScoring: Sendable {
    public var regions: [AnnotationRegion]
    public var regionClass: String?

    public init(regions: [AnnotationRegion], regionClass: String? = nil) {
        self.regions = regions; self.regionClass = regionClass
    }

    /// One chosen region's cells and scores.
    public struct RegionResult: Sendable {
        public var region: AnnotationRegion
        /// Its cells only (no pixel totals); `tissuePixels` is the region's area in pixels.
        public var totals: TileTotals
    }

    /// The score restricted to the regions, each chosen region's own totals, and the indices of the kept cells.
    public func apply(_ score: TileScore, cells: [Cell], calls: [CellCall]) -> (score: TileScore, regions: [RegionResult], kept: [Int]) {
        let chosen = regions.filter { $0.isChosen(byClass: regionClass) }
        let ignored = regions.filter(\.isIgnored)
        // A region's own tissue is its area (SP142's IC score: the delineated tumour area).
        var perRegion = chosen.map { region in
            var t = TileTotals()
            t.tissuePixels = max(0, Int(region.shape.area.rounded()))
            t.regionPixels = t.tissuePixels
            return RegionResult(region: region, totals: t)
        }
        var kept: [Int] = []
        for (k, cell) in cells.enumerated() where k < calls.count {
            let (x, y) = (cell.centroidX, cell.centroidY)
            guard !ignored.contains(where: { $0.shape.contains(x: x, y: y) }) else { continue }
            var inside = false
            for r in perRegion.indices where perRegion[r].region.shape.contains(x: x, y: y) {
                CellScoring.accumulate([calls[k]], cells: [cell], into: &perRegion[r].totals)
                inside = true
            }
            if inside { kept.append(k) }
        }
        var totals = Self.withoutCells(score.totals)
        // SP142's IC score divides by the delineated tumour area: the chosen regions' areas.
        totals.regionPixels = perRegion.reduce(0) { $0 + $1.totals.tissuePixels }
        CellScoring.accumulate(kept.map { calls[$0] }, cells: kept.map { cells[$0] }, into: &totals)
        var restricted = score
        restricted.totals = totals
        return (restricted, perRegion, kept)
    }

    /// `apply`, with the `too_few_cells` flag following the cells left in the regions (fewer than
    /// `minimumCells` of the marker's scored population).
    public func restrict(_ score: TileScore, cells: [Cell], calls: [CellCall], marker: Marker,
                         minimumCells: Int) -> (score: TileScore, regions: [RegionResult], kept: [Int]) {
        var applied = apply(score, cells: cells, calls: calls)
        var flags = Set(applied.score.qcFlags)
        if marker.scoredCells(applied.score.totals).total < minimumCells { flags.insert(.tooFewCells) } else { flags.remove(.tooFewCells) }
        applied.score.qcFlags = flags.sorted()
        return applied
    }

    /// What an image's score counts: with `regions`, `restrict`'s score and the cells it kept
    /// (with their calls); without, the score and the cells as they are. `run`'s scores and heat
    /// maps both come from here, so a heat map shows the cells its score counted.
    public static func counted(_ score: TileScore, cells: [Cell], calls: [CellCall], regions: RegionScoring?, marker: Marker,
                               minimumCells: Int) -> (score: TileScore, cells: [Cell], calls: [CellCall]) {
        guard let regions else { return (score, cells, calls) }
        let applied = regions.restrict(score, cells: cells, calls: calls, marker: marker, minimumCells: minimumCells)
        return (applied.score, applied.kept.map { cells[$0] }, applied.kept.map { calls[$0] })
    }

    /// `totals` with every cell count and cell OD sum zeroed (tiles, pixels and tissue kept).
    static func withoutCells(_ t: TileTotals) -> TileTotals {
        var e = TileTotals()
        e.tiles = t.tiles; e.imagePixels = t.imagePixels; e.tissuePixels = t.tissuePixels
        e.pixels = t.pixels; e.pixelDABSum = t.pixelDABSum
        return e
    }

    /// The score JSON's `regions` array: per chosen region its name, class, area in µm², cells
    /// (total and positive of the marker's population, as `cells`) and cell scores (no pixel scores).
    public static func json(_ results: [RegionResult], marker: Marker, pixelSizeMicrons px: Double) -> JSONText {
        .array(results.map { r in
            let cells = marker.scoredCells(r.totals)
            let scores = marker.scores(r.totals).filter { !CommonScore.pixelNames.contains($0.name) }
            return .object([
                ("name", .string(r.region.name)),
                ("class", r.region.className.isEmpty ? .null : .string(r.region.className)),
                ("area_um2", .number(r.region.shape.area * px * px)),
                ("cells", .object([("total", .int(cells.total)), ("positive", .int(cells.positive))])),
                ("scores", .object(scores.map { ($0.name, .number($0.value)) })),
            ])
        })
    }
}
