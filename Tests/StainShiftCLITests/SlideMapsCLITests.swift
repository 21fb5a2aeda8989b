import Foundation
import Testing
import StainShiftTestSupport

/// `score --heatmap` and `synth slide` through the built binary (issue 16).
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
