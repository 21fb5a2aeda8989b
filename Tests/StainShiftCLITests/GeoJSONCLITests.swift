import Foundation
import Testing

/// `score --cells-geojson` and `score --regions` through the built binary: features equal
/// `cells.total` on whole and tiled images; regions restrict the cells and are reported; bad
/// regions files fail in one line.
@Suite(.serialized) struct GeoJSONCLITests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("geojson-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A 256 x 256 synthetic PD-L1 tile and its 2 x 2 mosaic (512 x 512, tiled with --tile-size 256).
    static let made: Bool = {
        let a = try? CLIRun.run(["synth", "tile", path("tile.png"), "--marker", "pdl1", "--seed", "5", "--size", "256"])
        let b = try? CLIRun.run(["synth", "mosaic", path("tile.png"), path("mosaic.tiff"), "--copies", "2"])
        return a?.status == 0 && b?.status == 0
    }()

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func total(_ score: [String: Any]) throws -> Int {
        try #require((score["cells"] as? [String: Any])?["total"] as? Int)
    }

    @Test(arguments: [["tile.png"], ["mosaic.tiff", "--tile-size", "256"]])
    func featuresEqualCellsTotal(arguments: [String]) throws {
        #expect(Self.made)
        let out = Self.path("cells-\(arguments[0]).geojson")
        let r = try CLIRun.run(["score", Self.path(arguments[0])] + arguments.dropFirst()
                               + ["--marker", "pdl1", "--pixel-size", "0.5", "--json", "-", "--cells-geojson", out])
        #expect(r.status == 0, "\(r.stderr)")
        let total = try Self.total(try Self.object(r.stdout))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let features = try #require(try Self.object(text)["features"] as? [[String: Any]])
        #expect(total > 20 && features.count == total)
        #expect(Set(features.compactMap { $0["id"] as? String }).count == total)
    }

    @Test func geoJSONToStdoutCannotShareItWithTheJSON() throws {
        #expect(Self.made)
        let r = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--cells-geojson", "-"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--json and --cells-geojson cannot both write to stdout"))
    }
}
