import Foundation
import Testing
@testable import StainShiftEvaluation
import StainShiftTestSupport

/// QuPath annotation exports as regions: holes, MultiPolygons, classification object or string,
/// NaN measurements, and one-line errors for bad or empty files.
@Suite struct GeoJSONRegionsTests {
    static let scratch = Scratch(suite: "ss-regions")
    static var dir: URL { scratch.url }

    static func file(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

    /// A 100 x 100 square with a 50 x 50 hole, classed Tumor, with a NaN measurement (as QuPath writes).
    static let squareWithHole = """
    {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "a",
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]],
                                                      [[25, 25], [25, 75], [75, 75], [75, 25], [25, 25]]]},
     "properties": {"objectType": "annotation", "name": "core 1", "classification": {"name": "Tumor", "color": [200, 0, 0]},
                    "measurements": {"Area": NaN, "Perimeter": Infinity}}}]}
    """

    @Test func aHoleIsOutsideTheRegion() throws {
        let regions = try GeoJSONRegions.read(try Self.file("hole.geojson", Self.squareWithHole))
        #expect(regions.count == 1)
        let r = regions[0]
        #expect(r.name == "core 1" && r.className == "Tumor" && !r.isIgnored)
        #expect(r.shape.area == 10_000 - 2_500)
        #expect(r.shape.contains(x: 10, y: 10))
        #expect(!r.shape.contains(x: 50, y: 50))
        #expect(!r.shape.contains(x: 150, y: 50))
        let c = try #require(r.shape.centroid)
        #expect(abs(c.x - 50) < 1e-9 && abs(c.y - 50) < 1e-9)
    }

    @Test func multiPolygonsAStringClassificationAndAnArray() throws {
        let text = """
        [{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]],
            [[[20, 0], [20, 10], [30, 10], [30, 0], [20, 0]]]]},
          "properties": {"classification": "Stroma"}},
         {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 5]}, "properties": {}},
         {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [5, 0], [5, 5], [0, 0]]]},
          "properties": {"classification": {"name": "Ignore*"}}}]
        """
        let regions = try GeoJSONRegions.read(try Self.file("multi.json", text))
        #expect(regions.map(\.name) == ["region 1", "region 3"])
        #expect(regions[0].className == "Stroma" && regions[0].shape.area == 200)
        #expect(regions[0].shape.contains(x: 25, y: 5) && regions[0].shape.contains(x: 5, y: 5))
        #expect(!regions[0].shape.contains(x: 15, y: 5))
        #expect(regions[1].isIgnored && !regions[1].isChosen(byClass: nil))
        #expect(regions[0].isChosen(byClass: nil) && regions[0].isChosen(byClass: "stroma") && !regions[0].isChosen(byClass: "Tumor"))
    }

    @Test func aSingleFeatureIsARegion() throws {
        let text = """
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}}
        """
        let regions = try GeoJSONRegions.read(try Self.file("one.geojson", text))
        #expect(regions.count == 1 && regions[0].className.isEmpty && regions[0].shape.area == 16)
    }

    @Test func badOrEmptyFilesGiveOneLineErrorsNamingTheFile() throws {
        let cases: [(String, String, String)] = [
            ("malformed.geojson", "{\"type\": \"FeatureCollection\", \"features\": [", "malformed JSON"),
            ("empty.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}", "no regions (no Polygon or MultiPolygon feature)"),
            ("points.geojson", "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]}}",
             "no regions (no Polygon or MultiPolygon feature)"),
            ("short.geojson", "[{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [0, 0]]]}}]",
             "feature 1: Polygon ring has fewer than 4 positions"),
            ("text.geojson", "[{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, \"a\"], [1, 0], [1, 1], [0, 0]]]}}]",
             "feature 1: Polygon coordinates are not pairs of numbers"),
            ("other.geojson", "{\"type\": \"Topology\"}", "not GeoJSON (expected a FeatureCollection, a Feature or an array of Features)"),
        ]
        for (name, text, reason) in cases {
            let path = try Self.file(name, text)
            let error = #expect(throws: EvaluationError.self) { try GeoJSONRegions.read(path) }
            #expect(error?.description == "\(path): \(reason)")
            #expect(error?.description.contains("\n") == false)
        }
        let gone = Self.dir.appendingPathComponent("none.geojson").path
        #expect(throws: EvaluationError(path: gone, reason: "no such file")) { try GeoJSONRegions.read(gone) }
    }
}
