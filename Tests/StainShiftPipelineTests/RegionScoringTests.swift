import Testing
import StainShiftCells
import StainShiftEvaluation
import StainShiftPipeline
import StainShiftScoring

/// `RegionScoring`: cells kept by centroid, cell totals re-accumulated, pixel totals kept.
@Suite struct RegionScoringTests {
    static func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [RegionShape.Point] {
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].map { RegionShape.Point(x: $0.0, y: $0.1) }
    }

    /// Tumour cells at x = 5, 15, ..., 95 on y = 5; every other one positive.
    static func cells() -> ([Cell], [CellCall]) {
        var cells: [Cell] = [], calls: [CellCall] = []
        for k in 0..<10 {
            let cell = Cell(label: Int32(k + 1), centroidX: Double(10 * k + 5), centroidY: 5, nucleusAreaPixels: 50,
                            cellAreaPixels: 120, nucleusCircularity: 0.9, cellClass: .tumour)
            let membrane: Double = k % 2 == 0 ? 0.8 : 0
            cells.append(cell)
            calls.append(CellScoring.call(cell, marker: .pdl1, membraneOD: membrane))
        }
        return (cells, calls)
    }

    @Test func cellsInsideChosenRegionsAndOutsideIgnoredOnesAreCounted() {
        let (cells, calls) = Self.cells()
        var totals = TileTotals(); totals.imagePixels = 1000; totals.tissuePixels = 800; totals.pixels = BinCounts(negative: 700, weak: 100)
        CellScoring.accumulate(calls, cells: cells, into: &totals)
        let score = TileScore(image: "t", marker: "pdl1", totals: totals, qcFlags: [], pixelSizeMicrons: 0.5)
        let left = AnnotationRegion(name: "left", className: "Tumor", shape: RegionShape(polygons: [[Self.square(0, 0, 50, 10)]]))
        let right = AnnotationRegion(name: "right", className: "Stroma", shape: RegionShape(polygons: [[Self.square(50, 0, 100, 10)]]))
        let ignore = AnnotationRegion(name: "x", className: "Ignore*", shape: RegionShape(polygons: [[Self.square(0, 0, 20, 10)]]))
        let applied = RegionScoring(regions: [left, right, ignore], regionClass: "Tumor").apply(score, cells: cells, calls: calls)
        #expect(applied.kept == [2, 3, 4])
        #expect(applied.score.totals.tumour.total == 3 && applied.score.totals.tumour.positive == 2)
        #expect(applied.score.totals.pixels == totals.pixels && applied.score.totals.tissuePixels == 800)
        #expect(applied.regions.map(\.region.name) == ["left"])
        #expect(applied.regions[0].totals.tumour.total == 3 && applied.regions[0].totals.pixels.total == 0)
        let json = RegionScoring.json(applied.regions, marker: .pdl1, pixelSizeMicrons: 0.5).compact()
        #expect(json.hasPrefix("[{\"name\":\"left\",\"class\":\"Tumor\",\"area_um2\":125,\"cells\":{\"total\":3,\"positive\":2}"))
        // Every class when none is asked for; a MultiPolygon counts each of its parts.
        let both = AnnotationRegion(name: "both", className: "", shape: RegionShape(polygons: [[Self.square(0, 0, 10, 10)], [Self.square(90, 0, 100, 10)]]))
        let all = RegionScoring(regions: [both, right]).apply(score, cells: cells, calls: calls)
        #expect(all.kept == [0, 5, 6, 7, 8, 9])
        #expect(all.regions.map { $0.totals.tumour.total } == [2, 5])
    }

    /// SP142's IC score with regions: the positive immune cells' area over the regions' area (the
    /// delineated tumour), not over the whole image's tissue.
    @Test func icScoreDividesByTheRegionsAreaNotTheImagesTissue() {
        var cells: [Cell] = [], calls: [CellCall] = []
        for (k, x) in [5.0, 15, 75, 85].enumerated() {
            let cell = Cell(label: Int32(k + 1), centroidX: x, centroidY: 5, nucleusAreaPixels: 12, cellAreaPixels: 20,
                            nucleusCircularity: 0.9, cellClass: .lymphocyte)
            cells.append(cell)
            calls.append(CellScoring.call(cell, marker: .pdl1, membraneOD: 0.8))
        }
        #expect(calls.filter(\.positive).count == calls.count)
        var totals = TileTotals(); totals.imagePixels = 12_000; totals.tissuePixels = 10_000
        CellScoring.accumulate(calls, cells: cells, into: &totals)
        #expect(totals.regionPixels == nil && Marker.icScore(totals) == 100.0 * 80 / 10_000)
        let score = TileScore(image: "t", marker: "pdl1", totals: totals, qcFlags: [], pixelSizeMicrons: 0.5)
        let left = AnnotationRegion(name: "left", className: "Tumor", shape: RegionShape(polygons: [[Self.square(0, 0, 50, 10)]]))
        let applied = RegionScoring(regions: [left]).apply(score, cells: cells, calls: calls)
        #expect(applied.score.totals.tissuePixels == 10_000 && applied.score.totals.regionPixels == 500)
        #expect(Marker.icScore(applied.score.totals) == 100.0 * 40 / 500)
        #expect(Marker.icScore(applied.regions[0].totals) == 100.0 * 40 / 500)
        let json = ScoreJSON.value(applied.score, marker: .pdl1).compact()
        #expect(json.contains("\"tumour_area_px\":500,\"tumour_area\":\"regions\""))
        #expect(ScoreJSON.value(score, marker: .pdl1).compact().contains("\"tumour_area_px\":10000,\"tumour_area\":\"tissue\""))
        // Two tiles' totals: the regions' areas add up; a tile without regions adds none.
        let sum = applied.score.totals + applied.score.totals + totals
        #expect(sum.regionPixels == 1000)
    }
}
