import Foundation
import Testing
import StainShiftTestSupport

/// `score --cells-geojson` and `score --regions` through the built binary: features equal
/// `cells.total` on whole and tiled images; regions restrict the cells and are reported; bad
/// regions files fail in one line.
@Suite(.serialized) struct GeoJSONCLITests {
    static let scratch = Scratch(suite: "geojson-cli")
    static func path(_ name: String) -> String { scratch.path(name) }

    /// A 256 x 256 synthetic PD-L1 tile and its 2 x 2 mosaic (512 x 512, tiled with --tile-size 256).
    static let made = scratch.tileAndMosaic(seed: 5)

    static func object(_ text: String) throws -> [String: Any] { try CLIRun.object(text) }

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
        // RFC 7946's structure, checked by Python's json module (an independent reader).
        let check = try CLIRun.run(["python3", "-c", Self.rfc7946Check, out, String(total)], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.hasPrefix("ok \(total)"))
    }

    /// Python: the file is a FeatureCollection of `total` Features, each with a properties object
    /// and a Polygon or MultiPolygon whose rings are closed lists of 4+ [x, y] number pairs.
    static let rfc7946Check = """
        import json, sys
        doc = json.load(open(sys.argv[1]))
        assert doc["type"] == "FeatureCollection", doc.get("type")
        feats = doc["features"]
        assert isinstance(feats, list) and len(feats) == int(sys.argv[2]), len(feats)
        def ring(r):
            assert isinstance(r, list) and len(r) >= 4 and r[0] == r[-1], r
            for p in r:
                assert isinstance(p, list) and len(p) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p), p
        for f in feats:
            assert f["type"] == "Feature" and isinstance(f.get("properties"), dict), f.get("type")
            g = f["geometry"]
            polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else None
            assert polygons, g["type"]
            for poly in polygons:
                assert len(poly) >= 1
                for r in poly: ring(r)
        print("ok", len(feats))
        """

    @Test func geoJSONToStdoutCannotShareItWithTheJSON() throws {
        #expect(Self.made)
        let r = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--cells-geojson", "-"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--json and --cells-geojson cannot both write to stdout"))
    }
}

/// `score --regions`: cells restricted to the regions, per-region results, errors.
extension GeoJSONCLITests {
    static func polygon(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> String {
        "[[\(x0), \(y0)], [\(x1), \(y0)], [\(x1), \(y1)], [\(x0), \(y1)], [\(x0), \(y0)]]"
    }

    static func feature(_ name: String, _ cls: String, rings: [String]) -> String {
        "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [\(rings.joined(separator: ", "))]}, "
            + "\"properties\": {\"name\": \"\(name)\", \"classification\": {\"name\": \"\(cls)\"}, \"measurements\": {\"Area\": NaN}}}"
    }

    static func regions(_ name: String, _ features: [String]) throws -> String {
        let p = path(name)
        try Data(("{\"type\": \"FeatureCollection\", \"features\": [" + features.joined(separator: ",\n") + "]}").utf8)
            .write(to: URL(fileURLWithPath: p))
        return p
    }

    static func score(_ extra: [String]) throws -> (status: Int32, json: [String: Any]?, stderr: String) {
        let r = try CLIRun.run(["score", path("tile.png"), "--marker", "pdl1", "--pixel-size", "0.5", "--json", "-"] + extra)
        return (r.status, r.status == 0 ? try object(r.stdout) : nil, r.stderr)
    }

    static func regionList(_ json: [String: Any]?) throws -> [[String: Any]] {
        try #require(json?["regions"] as? [[String: Any]])
    }

    @Test func theWholeImageAsARegionKeepsEveryCell() throws {
        #expect(Self.made)
        let all = try Self.score([])
        let whole = try Self.regions("whole.geojson", [Self.feature("all", "Tumor", rings: [Self.polygon(0, 0, 256, 256)])])
        let inside = try Self.score(["--regions", whole, "--cells-geojson", Self.path("whole-cells.geojson")])
        #expect(inside.status == 0, "\(inside.stderr)")
        let total = try Self.total(try #require(all.json))
        #expect(try Self.total(try #require(inside.json)) == total)
        let region = try #require(try Self.regionList(inside.json).first)
        #expect(region["name"] as? String == "all" && region["class"] as? String == "Tumor")
        #expect(abs((region["area_um2"] as? Double ?? 0) - 256 * 256 * 0.25) < 1e-6)
        #expect((region["cells"] as? [String: Any])?["total"] as? Int == total)
        #expect((region["scores"] as? [String: Double])?["percent_positive"] != nil)
        #expect((region["scores"] as? [String: Double])?["pixel_hscore"] == nil)
        let text = try String(contentsOfFile: Self.path("whole-cells.geojson"), encoding: .utf8)
        #expect((try Self.object(text)["features"] as? [Any])?.count == total)
    }

    @Test func holesIgnoredRegionsAndClassesRestrictTheCells() throws {
        #expect(Self.made)
        let total = try Self.total(try #require(try Self.score([]).json))
        let holed = try Self.regions("holed.geojson", [Self.feature("ring", "Tumor", rings: [Self.polygon(0, 0, 256, 256), Self.polygon(64, 64, 192, 192)])])
        let ring = try Self.total(try #require(try Self.score(["--regions", holed]).json))
        #expect(ring > 0 && ring < total)
        // The hole as its own region counts the rest.
        let hole = try Self.regions("hole.geojson", [Self.feature("hole", "Tumor", rings: [Self.polygon(64, 64, 192, 192)])])
        #expect(try Self.total(try #require(try Self.score(["--regions", hole]).json)) == total - ring)
        // An Ignore* region over the hole leaves it out of the whole image.
        let ignored = try Self.regions("ignored.geojson", [Self.feature("all", "Tumor", rings: [Self.polygon(0, 0, 256, 256)]),
                                                          Self.feature("skip", "Ignore*", rings: [Self.polygon(64, 64, 192, 192)])])
        let withIgnore = try Self.score(["--regions", ignored])
        #expect(try Self.total(try #require(withIgnore.json)) == ring)
        #expect(try Self.regionList(withIgnore.json).map { $0["name"] as? String } == ["all"])
        // --region-class picks regions by class, case-insensitively.
        let two = try Self.regions("two.geojson", [Self.feature("left", "Tumor", rings: [Self.polygon(0, 0, 128, 256)]),
                                                  Self.feature("right", "Stroma", rings: [Self.polygon(128, 0, 256, 256)])])
        let left = try Self.score(["--regions", two, "--region-class", "tumor"])
        let both = try Self.score(["--regions", two])
        let leftRegions = try Self.regionList(left.json), bothRegions = try Self.regionList(both.json)
        #expect(leftRegions.count == 1 && bothRegions.count == 2)
        let l = try Self.total(try #require(left.json)), b = try Self.total(try #require(both.json))
        #expect(l > 0 && l < total && b == total)
    }

    @Test func aRegionOutsideTheImageCountsNoCells() throws {
        #expect(Self.made)
        let outside = try Self.regions("outside.geojson", [Self.feature("far", "Tumor", rings: [Self.polygon(1000, 1000, 1100, 1100)])])
        let r = try Self.score(["--regions", outside])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.total(try #require(r.json)) == 0)
        #expect(((r.json?["qc"] as? [String: Any])?["flags"] as? [String])?.contains("too_few_cells") == true)
        #expect((try Self.regionList(r.json).first?["cells"] as? [String: Any])?["total"] as? Int == 0)
    }

    @Test func badRegionsFilesFailInOneLineWithExitOne() throws {
        #expect(Self.made)
        let broken = Self.path("broken.geojson")
        try Data("{\"type\": \"FeatureCollection\", \"features\": [".utf8).write(to: URL(fileURLWithPath: broken))
        let empty = try Self.regions("empty.geojson", [])
        for (file, reason) in [(broken, "malformed JSON"), (empty, "no regions (no Polygon or MultiPolygon feature)"),
                               (Self.path("missing.geojson"), "no such file")] {
            let r = try Self.score(["--regions", file])
            #expect(r.status == 1)
            #expect(r.stderr == "stainshift score: \(file): \(reason)\n")
        }
        let usage = try CLIRun.run(["score", Self.path("tile.png"), "--marker", "pdl1", "--region-class", "Tumor"])
        #expect(usage.status == 64 && usage.stderr.contains("--region-class needs --regions"))
    }
}
