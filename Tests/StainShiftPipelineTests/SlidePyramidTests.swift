import Foundation
import Testing
@testable import StainShiftCohort
@testable import StainShiftImaging
@testable import StainShiftPipeline
import StainShiftClassify
import StainShiftEvaluation
import StainShiftFoundation
import StainShiftScoring
import StainShiftSynth
import StainShiftTissue
import StainShiftTestSupport

/// Whole slides (issue 16): the pyramidal writer, tissue found on a pyramid level (never level 0),
/// the heat map, manifest regions and the run's slide maps.
@Suite(.serialized) struct SlidePyramidTests {
    static let tile: RGBImage = {
        var spec = TileSpec(marker: .pdl1, width: 256, height: 256, positiveFraction: 0.4)
        spec.tissueFraction = 0.9
        return SyntheticTile.generate(spec, seed: 21).image
    }()

    static func bytes(_ image: RGBImage) -> [UInt8] {
        if case .uint8(let s) = image.samples { return s }
        return []
    }

    /// Row `y` of copies of `tile` across `width` px.
    static func mosaicRow(_ y: Int, width: Int) -> [UInt8] {
        let s = bytes(tile), tw = tile.width
        return (0..<(3 * width)).map { i in s[3 * tw * (y % tile.height) + i % (3 * tw)] }
    }

    @Test func pyramidLevelsAreAreaMeansAndOpenSlideReadsThem() throws {
        let s = try Scratch()
        let path = s.path("slide.tiff"), side = 1024
        let stream = try PyramidTIFFStream(path: path, width: side, height: side, pixelSizeMicrons: 0.5, downsamples: [4, 16])
        #expect(stream.downsamples == [4], "a 64 px level (under one tile) is left out")
        for y in 0..<side {
            if y >= 768 { try stream.appendGlass(rows: 1); continue }
            let row = Self.mosaicRow(y, width: side)
            try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try stream.append(row: b) }
        }
        try stream.finish()
        #expect(!FileManager.default.fileExists(atPath: stream.temporary))
        let info = try ImageReader.info(path)
        #expect(info.format == .slide, "OpenSlide reads it as generic-tiff")
        #expect(info.levels.map(\.width) == [1024, 256] && info.levelPages == [0, 1])
        #expect(abs((info.pixelSizeMicrons ?? 0) - 0.5) < 1e-6)
        let level0 = Self.bytes(try ImageReader.read(path)), level1 = Self.bytes(try ImageReader.read(path, options: ReadOptions(page: 1)))
        #expect(level0.count == 3 * side * side && level1.count == 3 * 256 * 256)
        var worst = 0
        for Y in 0..<256 {
            for X in 0..<256 {
                for c in 0..<3 {
                    var sum = 0
                    for dy in 0..<4 { for dx in 0..<4 { sum += Int(level0[3 * ((4 * Y + dy) * side + 4 * X + dx) + c]) } }
                    worst = max(worst, abs((sum + 8) / 16 - Int(level1[3 * (Y * 256 + X) + c])))
                }
            }
        }
        #expect(worst <= 1, "level 1 is the 4 x 4 mean of level 0 (off by \(worst))")
        #expect(level0[(3 * 800 * side)..<(3 * 801 * side)].allSatisfy { $0 == 255 }, "glass rows are white")
        #expect(level0[0..<(3 * side)].elementsEqual(Self.mosaicRow(0, width: side)))
    }

    /// Tiles of a generic pyramidal TIFF are read through libtiff, with OpenSlide's pixels.
    @Test func slideTilesAreReadThroughLibtiffWithOpenSlidesPixels() throws {
        let s = try Scratch()
        let path = s.path("slide.tiff"), side = 1024
        let stream = try PyramidTIFFStream(path: path, width: side, height: side, pixelSizeMicrons: 0.5, downsamples: [4])
        for y in 0..<side {
            let row = Self.mosaicRow(y, width: side)
            try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try stream.append(row: b) }
        }
        try stream.finish()
        let info = try ImageReader.info(path)
        let source = try TileSource(path, info: info, page: 0)
        #expect(source.slide != nil && source.direct, "a generic-tiff LZW pyramid")
        let region = TileRect(x: 200, y: 300, width: 400, height: 333)   // across 256 px TIFF tiles
        let direct = try source.read(region)
        let slide = try SlideReader(path).readRegion(level: 0, x: region.x, y: region.y, width: region.width, height: region.height)
        #expect(direct.samples == slide.samples && direct.width == 400 && direct.height == 333)
        #expect(direct.pixelSizeMicrons == slide.pixelSizeMicrons)
        // A plain TIFF is not a slide: read as before.
        try ImageWriter.writeTIFF(Self.tile, to: s.path("plain.tiff"))
        let plain = try TileSource(s.path("plain.tiff"), info: try ImageReader.info(s.path("plain.tiff")), page: 0)
        #expect(plain.slide == nil && !plain.direct)
        #expect(try plain.read(TileRect(x: 10, y: 20, width: 30, height: 40)).samples
                == (try ImageReader.readRegion(s.path("plain.tiff"), x: 10, y: 20, width: 30, height: 40)).samples)
    }

    /// A pyramid whose level 0 is blank glass while the levels below show tissue: tissue found
    /// there proves level 0 was not read for the map.
    @Test func tissueIsFoundOnAPyramidLevelNeverOnLevelZero() throws {
        let s = try Scratch()
        let path = s.path("decoy.tiff"), side = 2048
        let stream = try PyramidTIFFStream(path: path, width: side, height: side, pixelSizeMicrons: 0.5, downsamples: [4, 8])
        for y in 0..<side {
            let row = Self.mosaicRow(y, width: side)
            try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in
                try stream.append(shown: nil, reduced: b.baseAddress!)
            }
        }
        try stream.finish()
        let info = try ImageReader.info(path)
        #expect(info.levels.map(\.downsample) == [1, 4, 8])
        let f = TissueOverview.factor(pixelSizeMicrons: 0.5)
        let chosen = try #require(TiledTissue.pyramidLevel(info, factor: f))
        #expect(chosen.page == 2 && chosen.level.downsample == 8, "the coarsest level no coarser than a \(f) px block")
        let settings = TiledScorerTests.settings()
        let fromLevel = try TiledTissue.overview(path, info: info, page: 0, pixelSizeMicrons: 0.5, settings: settings, threads: 2)
        let tissue = Double(fromLevel.mask.reduce(0) { $0 + Int($1) }) / Double(fromLevel.mask.count)
        #expect(fromLevel.width == side / f && tissue > 0.5, "tissue fraction \(tissue) on the level")
        // The same file without its pyramid goes to level 0, which is glass.
        var flat = info
        flat.levelPages = []
        let fromLevel0 = try TiledTissue.overview(path, info: flat, page: 0, pixelSizeMicrons: 0.5, settings: settings, threads: 2)
        #expect(fromLevel0.mask.allSatisfy { $0 == 0 })
        // Thread count does not change the map.
        let one = try TiledTissue.overview(path, info: info, page: 0, pixelSizeMicrons: 0.5, settings: settings, threads: 1)
        #expect(one.colours == fromLevel.colours)
    }

    @Test func heatMapDensitiesColoursAndText() throws {
        var map = Heatmap(imageWidth: 300, imageHeight: 150, pixelSizeMicrons: 0.5, binMicrons: 50)
        #expect(map.columns == 3 && map.rows == 2)
        map.add([Heatmap.Point(x: 10, y: 10, positive: true), Heatmap.Point(x: 150, y: 10, positive: false),
                 Heatmap.Point(x: 250, y: 120, positive: true)])
        let d = map.densities
        #expect(abs(d[0] - 400) < 1e-9, "1 cell in 0.05 x 0.05 mm")
        #expect(d[1] == 0)
        #expect(abs(d[5] - 800) < 1e-9, "the bottom row is half a bin: 1 cell in 0.05 x 0.025 mm")
        #expect(abs(map.maxPerMM2 - 800) < 1e-9)
        let pixels = Self.bytes(map.image())
        let low = Heatmap.viridis(0), high = Heatmap.viridis(1)
        #expect(abs(Int(low.0) - 68) <= 4 && abs(Int(low.1) - 1) <= 4 && abs(Int(low.2) - 84) <= 4)
        #expect(abs(Int(high.0) - 253) <= 4 && abs(Int(high.1) - 231) <= 4 && abs(Int(high.2) - 37) <= 8)
        #expect(Array(pixels[3..<6]) == [low.0, low.1, low.2], "a bin with cells but no positive one")
        #expect(Array(pixels[15..<18]) == [high.0, high.1, high.2])
        #expect(Array(pixels[6..<9]) == [255, 255, 255], "no cells: white")
        let s = try Scratch()
        try map.write(to: s.path("h.png"))
        let png = try #require(FileManager.default.contents(atPath: s.path("h.png")))
        #expect(png.range(of: Data("max_per_mm2\u{0}800".utf8)) != nil && png.range(of: Data("bin_um\u{0}50".utf8)) != nil)
        #expect(try ImageReader.info(s.path("h.png")).width == 3)
    }

    @Test func heatMapIsTheSameWhateverTheTileSize() throws {
        func map(_ tileSize: Int) throws -> (Heatmap, Int) {
            var scorer = TiledScorer(marker: .pdl1, settings: TiledScorerTests.settings(), tileSize: tileSize)
            scorer.heatmapBinMicrons = 50
            let r = try scorer.score(TiledScorerTests.mosaicPath, name: "mosaic")
            return (try #require(r.heatmap), r.score.totals.cellsTotal)
        }
        let (a, totalA) = try map(256), (b, totalB) = try map(1024)
        #expect(a.columns == 11 && a.rows == 11, "1024 px at 0.5 µm in 50 µm bins")
        #expect(a.cells.reduce(0, +) == Int32(totalA) && b.cells.reduce(0, +) == Int32(totalB))
        let moved = zip(a.cells, b.cells).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(moved) <= 0.01 * Double(totalB), "\(moved) cells in other bins")
        #expect(abs(a.maxPerMM2 - b.maxPerMM2) <= 0.05 * b.maxPerMM2)
    }

    @Test func manifestRegionColumnsAreResolvedAndChecked() throws {
        let s = try Scratch(files: ["a.png", "b.png", "c.png", "r/tumour.geojson"])
        let m = try Manifest.load(try s.write("m.tsv", """
            patient\ttimepoint\tmarker\timage\tregions\tregion_class
            P1\tpre\tpdl1\ta.png\tr/tumour.geojson\tTumor
            P1\tpost\tpdl1\tb.png\t\tTumor
            P2\tpre\tpdl1\tc.png\tr/missing.geojson\t
            P2\tpost\tpdl1\tc.png\t\t

            """), knownMarkers: markers)
        #expect(m.rows.count == 2)
        #expect(m.rows[0].regions == s.path("r/tumour.geojson") && m.rows[0].regionClass == "Tumor")
        #expect(m.rows[1].regions == nil && m.rows[1].regionClass == nil)
        #expect(m.failures.map(\.line) == [3, 4])
        #expect(m.failures[0].error.contains("region_class 'Tumor' needs a regions file"))
        #expect(m.failures[1].error.contains("r/missing.geojson"))
    }

    static func squareRegions(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> String {
        """
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "area", "classification": {"name": "Tumor"}},
         "geometry": {"type": "Polygon", "coordinates": [[[\(x0), \(y0)], [\(x1), \(y0)], [\(x1), \(y1)], [\(x0), \(y1)], [\(x0), \(y0)]]]}}]}
        """
    }

    /// `run` of `manifest` into `outdir` with 256 px tiles and detection without per-image statistics.
    static func run(_ manifest: String, outdir: String) throws -> CohortResult {
        var engine = ScoringEngine.standard(detection: .distanceWatershed, detectionThreshold: 0.15, odScale: 1, tileSize: 256)
        engine.overlay = nil
        var batch = BatchOptions(threads: 2)
        batch.defaultStains = "h-dab"
        var cohort = CohortSettings(); cohort.resamples = 50
        return try CohortPipeline.run(manifestPath: manifest, outdir: outdir, engine: engine, batch: batch, cohort: cohort)
    }

    /// Manifest regions in a run: cells restricted, a bad file fails its row only (named), and a
    /// tiled image gets its heat map and thumbnail in OUTDIR/maps, shown in the report.
    @Test func aRunScoresManifestRegionsAndDrawsSlideMaps() throws {
        let s = try Scratch()
        try ImageWriter.writePNG(Self.tile, to: s.path("small.png"))
        try ImageWriter.writeTIFF(TiledScorerTests.mosaic(Self.tile, copies: 2), to: s.path("big.tiff"))
        _ = try s.write("all.geojson", Self.squareRegions(-10, -10, 2000, 2000))
        _ = try s.write("none.geojson", Self.squareRegions(5000, 5000, 6000, 6000))
        _ = try s.write("bad.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}")
        let manifest = try s.write("m.tsv", """
            patient\ttimepoint\tmarker\timage\tslide\tregions\tregion_class
            P1\tpre\tpdl1\tsmall.png\tA\t\t
            P1\tpost\tpdl1\tsmall.png\tB\tall.geojson\tTumor
            P2\tpre\tpdl1\tsmall.png\tC\tnone.geojson\t
            P2\tpost\tpdl1\tsmall.png\tD\tbad.geojson\t
            P3\tpre\tpdl1\tbig.tiff\tE\tall.geojson\t

            """)
        let out = s.path("out")
        let result = try Self.run(manifest, outdir: out)
        let bySlide = Dictionary(result.tiles.map { ($0.slide, $0.score.totals.cellsTotal) }, uniquingKeysWith: { a, _ in a })
        let unrestricted = try #require(bySlide["A"])
        #expect(unrestricted > 20)
        #expect(bySlide["B"] == unrestricted, "a region over the whole tile keeps every cell")
        #expect(bySlide["C"] == 0, "a region outside the tile keeps none")
        #expect(bySlide["D"] == nil)
        let failure = try #require(result.failures.first { $0.slide == "D" })
        #expect(failure.stage == "regions" && failure.error.contains("bad.geojson") && !failure.error.contains("\n"))
        // The tiled image's maps.
        let e = try #require(result.slides.first { $0.slide == "E" })
        let thumbnail = try #require(e.thumbnail), heatmap = try #require(e.heatmap)
        let thumb = try ImageReader.info(out + "/" + thumbnail), heat = try ImageReader.info(out + "/" + heatmap)
        #expect(thumb.width == 512 / 32 && heat.width == 6, "overview of 16 µm blocks; 50 µm bins over 256 µm")
        #expect(result.slides.first { $0.slide == "A" }?.thumbnail == nil, "a tile scored whole has no slide map")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Whole slides: positive cells per mm²"))
    }

    /// `run`'s heat map (and so the thumbnail's) counts the cells its score counts: with manifest
    /// regions, only those inside them.
    @Test func aRunsHeatMapShowsOnlyTheScoredRegions() throws {
        let s = try Scratch()
        try ImageWriter.writeTIFF(TiledScorerTests.mosaic(Self.tile, copies: 2), to: s.path("big.tiff"))
        // The left 100 µm (200 px at 0.5 µm) of the 256 µm image: heat-map columns 0 and 1.
        _ = try s.write("left.geojson", Self.squareRegions(-10, -10, 200, 600))
        let manifest = try s.write("m.tsv", """
            patient\ttimepoint\tmarker\timage\tslide\tregions
            P1\tpre\tpdl1\tbig.tiff\tE\t
            P1\tpost\tpdl1\tbig.tiff\tF\tleft.geojson

            """)
        let out = s.path("out")
        let result = try Self.run(manifest, outdir: out)
        func map(_ slide: String) throws -> [UInt8] {
            let record = try #require(result.slides.first { $0.slide == slide })
            let image = try ImageReader.read(out + "/" + (try #require(record.heatmap)))
            #expect(image.width == 6 && image.height == 6, "50 µm bins over 256 µm")
            return Self.bytes(image)
        }
        let all = try map("E"), left = try map("F")
        func white(_ p: [UInt8], _ x: Int, _ y: Int) -> Bool { p[(3 * (y * 6 + x))..<(3 * (y * 6 + x) + 3)].allSatisfy { $0 == 255 } }
        for y in 0..<6 { for x in 2..<6 { #expect(white(left, x, y), "bin (\(x), \(y)) is outside the region") } }
        #expect((0..<6).contains { y in (2..<6).contains { !white(all, $0, y) } }, "without regions the right bins have cells")
        let inside = (0..<6).flatMap { y in (0..<2).map { (x: $0, y: y) } }
        #expect(inside.filter { !white(left, $0.x, $0.y) }.count == inside.filter { !white(all, $0.x, $0.y) }.count)
        #expect(inside.contains { !white(left, $0.x, $0.y) })
        let cells = Dictionary(result.tiles.map { ($0.slide, $0.score.totals.cellsTotal) }, uniquingKeysWith: { a, _ in a })
        #expect((cells["F"] ?? 0) > 0 && (cells["F"] ?? 0) < (cells["E"] ?? 0))
    }
}
