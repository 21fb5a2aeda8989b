import Foundation
import Testing
import StainShiftImaging
import StainShiftTestSupport

/// `score --heatmap`, `score-slide --heatmap` and `synth slide` through the built binary (issue 16).
@Suite(.serialized) struct SlideMapsCLITests {
    static let scratch = Scratch(suite: "slidemaps-cli")
    static func path(_ name: String) -> String { scratch.path(name) }

    static let made = scratch.tileAndMosaic(seed: 8)

    static func object(_ text: String) throws -> [String: Any] { try CLIRun.object(text) }

    @Test(arguments: [["tile.png"], ["mosaic.tiff", "--tile-size", "256"]])
    func theHeatMapIsWrittenAndItsRangeStated(arguments: [String]) throws {
        #expect(Self.made)
        let png = Self.path("heat-\(arguments[0]).png")
        let r = try CLIRun.run(["score", Self.path(arguments[0])] + arguments.dropFirst()
                               + ["--marker", "pdl1", "--pixel-size", "0.5", "--json", "-", "--heatmap", png, "--heatmap-bin", "64"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Self.object(r.stdout)
        let heatmap = try #require(json["heatmap"] as? [String: Any])
        #expect(heatmap["file"] as? String == png)
        #expect(heatmap["bin_um"] as? Double == 64)
        let side = arguments[0] == "tile.png" ? 2 : 4   // 128 or 256 µm in 64 µm bins
        #expect(heatmap["columns"] as? Int == side && heatmap["rows"] as? Int == side)
        let top = try #require(heatmap["max_per_mm2"] as? Double)
        let positive = try #require((json["cells"] as? [String: Any])?["positive"] as? Int)
        #expect(positive > 0 && top > 0)
        // No bin can hold more than all positive cells.
        #expect(top <= Double(positive) / (0.064 * 0.064) + 1e-6)
        let data = try #require(FileManager.default.contents(atPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(data.range(of: Data("max_per_mm2".utf8)) != nil)
    }

    /// Detection without per-image statistics (see `TiledScorerTests`), on both commands.
    static let detection = ["--preset", "distance-watershed", "--detection-threshold", "0.15", "--od-scale", "1"]

    static func pixels(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let image = try ImageReader.read(path)
        guard case .uint8(let s) = image.samples else { return (image.width, image.height, []) }
        return (image.width, image.height, s)
    }

    /// A one-row manifest of the mosaic (slide S), with `regions` when given.
    static func manifest(_ name: String, regions: String? = nil) throws -> String {
        let path = Self.path(name)
        let head = "patient\ttimepoint\tmarker\timage\tslide\tpixel_size" + (regions == nil ? "" : "\tregions")
        let row = "P1\tpre\tpdl1\tmosaic.tiff\tS\t0.5" + (regions.map { "\t" + $0 } ?? "")
        try (head + "\n" + row + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func scoreSlideWritesTheSlidesHeatMapAsScoreDoes() throws {
        #expect(Self.made)
        let fromSlide = Self.path("slide-heat.png"), fromScore = Self.path("score-heat.png")
        let r = try CLIRun.run(["score-slide", try Self.manifest("one.tsv"), "--slide", "S", "-o", Self.path("part.json"),
                                "--tile-size", "256", "--heatmap", fromSlide, "--quiet"] + Self.detection)
        #expect(r.status == 0, "\(r.stderr)")
        let s = try CLIRun.run(["score", Self.path("mosaic.tiff"), "--marker", "pdl1", "--pixel-size", "0.5", "--json", "-",
                                "--tile-size", "256", "--heatmap", fromScore] + Self.detection)
        #expect(s.status == 0, "\(s.stderr)")
        let a = try Self.pixels(fromSlide), b = try Self.pixels(fromScore)
        #expect(a.width == 6 && a.height == 6, "256 µm in 50 µm bins")
        #expect(a.rgb == b.rgb, "the same cells in the same bins and colours as score --heatmap")
        // Viridis's top is yellow (253, 231, 37): the densest bin.
        #expect(stride(from: 0, to: a.rgb.count, by: 3).contains { a.rgb[$0] > 240 && a.rgb[$0 + 1] > 220 && a.rgb[$0 + 2] < 60 },
                "the densest bin is at the top of the colour map")
    }

    @Test func scoreSlidesHeatMapShowsOnlyTheRowsRegions() throws {
        #expect(Self.made)
        // The left 100 µm (200 px) of the 256 µm mosaic: bins 0 and 1 of each row.
        try """
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "left"},
             "geometry": {"type": "Polygon", "coordinates": [[[-10, -10], [200, -10], [200, 600], [-10, 600], [-10, -10]]]}}]}
            """.write(toFile: Self.path("left.geojson"), atomically: true, encoding: .utf8)
        let all = Self.path("all-heat.png"), left = Self.path("left-heat.png")
        for (manifest, png) in [(try Self.manifest("all.tsv"), all), (try Self.manifest("left.tsv", regions: "left.geojson"), left)] {
            let r = try CLIRun.run(["score-slide", manifest, "--slide", "S", "-o", Self.path("p.json"), "--tile-size", "256",
                                    "--heatmap", png, "--quiet"] + Self.detection)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try Self.pixels(all), b = try Self.pixels(left)
        #expect(a.width == 6 && b.width == 6 && a.height == 6 && b.height == 6)
        func white(_ p: [UInt8], _ x: Int, _ y: Int) -> Bool { p[3 * (y * 6 + x)] == 255 && p[3 * (y * 6 + x) + 1] == 255 && p[3 * (y * 6 + x) + 2] == 255 }
        for y in 0..<6 {
            for x in 2..<6 { #expect(white(b.rgb, x, y), "bin (\(x), \(y)) lies outside the region: no cells") }
        }
        let inside = (0..<6).flatMap { y in (0..<2).map { (x: $0, y: y) } }
        #expect(inside.filter { !white(b.rgb, $0.x, $0.y) }.count == inside.filter { !white(a.rgb, $0.x, $0.y) }.count,
                "every bin inside the region keeps its cells")
        #expect((0..<6).contains { y in (2..<6).contains { !white(a.rgb, $0, y) } }, "without regions the right bins have cells")
    }

    @Test func scoreSlideHeatMapNeedsASlideOfOneImage() throws {
        #expect(Self.made)
        let manifest = Self.path("two.tsv")
        try "patient\ttimepoint\tmarker\timage\tslide\nP1\tpre\tpdl1\ttile.png\tS\nP1\tpre\tpdl1\tmosaic.tiff\tS\n"
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let r = try CLIRun.run(["score-slide", manifest, "--slide", "S", "-o", "-", "--heatmap", Self.path("two.png"), "--quiet"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--heatmap needs a slide of one image") && r.stderr.contains("2 rows"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.path("two.png")))
        #expect(r.stdout.isEmpty)
    }

    @Test func aBadHeatMapBinIsAUsageError() throws {
        let r = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--json", "-", "--heatmap", Self.path("x.png"), "--heatmap-bin", "5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--heatmap-bin"))
    }

    @Test func synthSlideWritesAPyramidThatInfoReadsAsASlide() throws {
        #expect(Self.made)
        let slide = Self.path("slide.tiff")
        let w = try CLIRun.run(["synth", "slide", Self.path("tile.png"), slide, "--size", "4096", "--tissue", "1024", "--pixel-size", "0.25"])
        #expect(w.status == 0, "\(w.stderr)")
        let r = try CLIRun.run(["info", slide])
        #expect(r.status == 0, "\(r.stderr)")
        let info = try Self.object(r.stdout)
        #expect(info["format"] as? String == "slide")
        #expect(info["pixel_size_um"] as? Double == 0.25)
        let levels = try #require(info["levels"] as? [[String: Any]])
        #expect(levels.compactMap { $0["downsample"] as? Double } == [1, 4, 16], "the 64 px level is under one tile and left out")
        let bad = try CLIRun.run(["synth", "slide", Self.path("tile.png"), Self.path("s.png"), "--size", "1024"])
        #expect(bad.status == 64)
    }
}
