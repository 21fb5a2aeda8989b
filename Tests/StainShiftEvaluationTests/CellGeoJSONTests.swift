import Foundation
import Testing
import StainShiftCells
import StainShiftScoring
import StainShiftSynth
@testable import StainShiftEvaluation

/// `--cells-geojson` written from a scored synthetic tile: one feature per counted cell, closed
/// rings, valid JSON to Python's reader, and cells that read back through `GeoJSONPoints`.
@Suite struct CellGeoJSONTests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ss-cells-geojson-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// A scored 256 x 256 tile and its GeoJSON text.
    static func scored(_ marker: Marker) -> (analysis: TileAnalysis, text: String) {
        let (image, _) = SyntheticTile.generate(TileSpec(marker: marker, width: 256, height: 256), seed: 7)
        var settings = ScoringSettings()
        settings.pixelSizeMicrons = 0.5
        let analysis = TileScorer.analyse(image, name: "tile.png", marker: marker, settings: settings)
        let outlines = CellOutline.outlines(analysis.segmentation, cells: analysis.segmentation.cells)
        let text = CellGeoJSON.render(cells: analysis.segmentation.cells, calls: analysis.calls, outlines: outlines,
                                      marker: marker, pixelSizeMicrons: 0.5, image: "tile.png")
        return (analysis, text)
    }

    @Test(arguments: [Marker.pdl1, Marker.ki67])
    func oneFeaturePerCountedCellWithClosedRings(marker: Marker) throws {
        let (analysis, text) = Self.scored(marker)
        let total = marker.scoredCells(analysis.score.totals).total
        try #require(total > 10)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["type"] as? String == "FeatureCollection")
        let features = try #require(root["features"] as? [[String: Any]])
        #expect(features.count == total)
        var ids = Set<String>()
        for f in features {
            ids.insert(f["id"] as? String ?? "")
            let properties = try #require(f["properties"] as? [String: Any])
            #expect(properties["objectType"] as? String == "cell")
            let name = try #require((properties["classification"] as? [String: Any])?["name"] as? String)
            #expect(["Tumor", "Immune cells"].contains { name.hasPrefix($0 + ": ") })
            let measurements = try #require(properties["measurements"] as? [String: Double])
            #expect(measurements["Nucleus: Area µm^2"] != nil && measurements["Nucleus: DAB OD mean"] != nil)
            let cell = try Self.rings(f["geometry"]), nucleus = try Self.rings(properties["nucleusGeometry"])
            for ring in cell + nucleus {
                #expect(ring.count >= 4 && ring.first! == ring.last!)
            }
            let xs = cell.joined().map(\.[0]), ys = cell.joined().map(\.[1])
            for p in nucleus.joined() {
                #expect(p[0] >= xs.min()! && p[0] <= xs.max()! && p[1] >= ys.min()! && p[1] <= ys.max()!)
            }
        }
        #expect(ids.count == features.count && !ids.contains(""))
        if marker.population == .tumour { #expect(features.allSatisfy { "\($0)".contains("Tumor: ") }) }
    }

    /// The rings of a Polygon or MultiPolygon, each a list of [x, y].
    static func rings(_ geometry: Any?) throws -> [[[Double]]] {
        let g = try #require(geometry as? [String: Any])
        let type = try #require(g["type"] as? String)
        #expect(type == "Polygon" || type == "MultiPolygon")
        if type == "Polygon" { return try #require(g["coordinates"] as? [[[Double]]]) }
        return try #require(g["coordinates"] as? [[[[Double]]]]).flatMap { $0 }
    }

    @Test func cellsReadBackAtTheirCentroids() throws {
        let (analysis, text) = Self.scored(.pdl1)
        let path = Self.dir.appendingPathComponent("cells.geojson").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let points = try GeoJSONPoints.read(path, polygonCentroids: true)
        let cells = analysis.segmentation.cells.filter { $0.cellClass == .tumour }
        #expect(points.count == cells.count)
        for (p, c) in zip(points, cells) {
            // Vertices on pixel corners put a centroid half a pixel from a pixel-index centroid.
            #expect(hypot(p.x - c.centroidX, p.y - c.centroidY) <= 1, "\(p) \(c.centroidX), \(c.centroidY)")
        }
        #expect(points.allSatisfy { $0.label == "positive" || $0.label == "negative" })
        // Without the option, polygons are not points (evaluation files are unchanged).
        #expect(throws: EvaluationError.self) { try GeoJSONPoints.read(path) }
    }

    @Test func pythonsJSONReaderAcceptsTheFile() throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        let python = (path + ["/usr/bin/python3", "/usr/local/bin/python3"]).first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else {
            Issue.record("python3 is not installed: the RFC 7946 check with Python's json module was skipped")
            return
        }
        let (analysis, text) = Self.scored(.pdl1)
        let file = Self.dir.appendingPathComponent("python.geojson").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let script = """
        import json, math, sys
        def bad(c): raise ValueError('non-standard constant ' + c)
        d = json.load(open(sys.argv[1]), parse_constant=bad)
        assert d['type'] == 'FeatureCollection'
        def polygons(g):
            assert g['type'] in ('Polygon', 'MultiPolygon'), g['type']
            return [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']
        for f in d['features']:
            assert f['type'] == 'Feature' and isinstance(f['id'], str)
            for g in (f['geometry'], f['properties']['nucleusGeometry']):
                for poly in polygons(g):
                    for ring in poly:
                        assert len(ring) >= 4 and ring[0] == ring[-1]
                        assert all(len(p) == 2 and all(isinstance(v, (int, float)) and math.isfinite(v) for v in p) for p in ring)
                        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
                        assert area > 0, 'exterior ring not counter-clockwise'
            assert all(math.isfinite(v) for v in f['properties']['measurements'].values())
        print(len(d['features']))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, file]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let failure = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(failure)")
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == String(Marker.pdl1.scoredCells(analysis.score.totals).total))
    }
}
