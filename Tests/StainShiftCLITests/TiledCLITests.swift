import Foundation
import Testing
import StainShiftTestSupport

/// `--tile-size` through the built binary: validation, small images untouched, a mosaic scored tile
/// by tile with `--cells` and `--overlay` in image coordinates (`synth mosaic` writes it).
@Suite(.serialized) struct TiledCLITests {
    static let scratch = Scratch(suite: "tiled-cli")
    static func path(_ name: String) -> String { scratch.path(name) }

    /// A 256 x 256 synthetic PD-L1 tile and its 2 x 2 mosaic (512 x 512 tiled TIFF).
    static let made = scratch.tileAndMosaic(seed: 5)

    /// Detection without per-image statistics (see `TiledScorerTests`).
    static let detection = ["--preset", "distance-watershed", "--detection-threshold", "0.15", "--od-scale", "1"]

    @Test(arguments: ["100", "255", "-3", "big"])
    func aTileSizeBelow256IsAUsageError(size: String) throws {
        #expect(Self.made)
        let r = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--tile-size", size])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("tile-size"))
        #expect(r.stdout.isEmpty)
    }

    @Test func anImageNoLargerThanTheTileIsScoredAsBefore() throws {
        #expect(Self.made)
        let a = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--json", "-"])
        let b = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--json", "-", "--tile-size", "256"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test func aMosaicIsScoredTileByTileWithCellsAndOverlay() throws {
        #expect(Self.made)
        let cells = Self.path("cells.tsv"), overlay = Self.path("overlay.png")
        let r = try CLIRun.run(["score", Self.path("mosaic.tiff"), "--marker", "pdl1", "--json", "-", "--tile-size", "256",
                                "--cells", cells, "--overlay", overlay, "--timings"] + Self.detection)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2 x 2 tiles of 256 px"), "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let total = try #require((object["cells"] as? [String: Any])?["total"] as? Int)
        let rows = try String(contentsOfFile: cells, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == total && total > 50)
        // Image coordinates: cells of the lower right copy lie beyond 128 µm (256 px at 0.5 µm).
        let x = rows.compactMap { Double($0.split(separator: "\t")[2]) }
        #expect((x.max() ?? 0) > 128 && (x.min() ?? 999) < 128)
        #expect(FileManager.default.fileExists(atPath: overlay))
        // Whole (tile size 512: today's path) and tiled agree within 1% on cells.
        let whole = try CLIRun.run(["score", Self.path("mosaic.tiff"), "--marker", "pdl1", "--json", "-", "--tile-size", "512"] + Self.detection)
        let w = try #require(try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
        let wt = try #require((w["cells"] as? [String: Any])?["total"] as? Int)
        #expect(abs(wt - total) <= max(1, wt / 100), "whole \(wt), tiled \(total)")
    }
}
