import Foundation
import Testing
@testable import StainShiftEvaluation
import StainShiftTestSupport

/// Point tables, QuPath GeoJSON variants, the annotation list, and one-line errors for bad files.
@Suite struct AnnotationReadingTests {
    static let scratch = Scratch(suite: "ss-eval-read")
    static var dir: URL { scratch.url }

    static func file(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

    @Test func tablesReadXYLabelAndIgnoreOtherColumns() throws {
        let tsv = try Self.file("p.tsv", "x\ty\tlabel\tsource_label\n54\t25\tstroma\tstroma\n98.5\t13\tPositive\tpos\n\n7\t8\t\t\n")
        #expect(try PointTable.read(tsv) == [AnnotationPoint(x: 54, y: 25, label: "stroma"),
                                             AnnotationPoint(x: 98.5, y: 13, label: "positive"),
                                             AnnotationPoint(x: 7, y: 8, label: "unlabelled")])
        let csv = try Self.file("p.csv", "id,label,y,x\n1,Tumor,2,3\n")
        #expect(try AnnotationFile.read(csv) == [AnnotationPoint(x: 3, y: 2, label: "tumour")])
        // A header and no rows: an image with nothing labelled.
        #expect(try PointTable.read(try Self.file("empty.tsv", "x\ty\tlabel\tsource_label\n")).isEmpty)
    }

    @Test func badTablesGiveOneLineErrorsNamingTheFileAndLine() throws {
        let missing = try Self.file("m.tsv", "x\ty\tclass\n1\t2\ttumour\n")
        #expect(throws: EvaluationError(path: missing, reason: "missing column label")) { try PointTable.read(missing) }
        let bad = try Self.file("b.tsv", "x\ty\tlabel\n1\t2\ttumour\n3\tabc\tstroma\n")
        let error = #expect(throws: EvaluationError.self) { try PointTable.read(bad) }
        #expect(error?.description == "\(bad): line 3: y 'abc' is not a number")
        // Blank lines still count, so the line number is the file's.
        let gap = try Self.file("g.tsv", "x\ty\tlabel\n1\t2\ttumour\n\n3\t4\tstroma\n5\t\tother\n")
        #expect(throws: EvaluationError(path: gap, line: 5, reason: "y '' is not a number")) { try PointTable.read(gap) }
        let gone = Self.dir.appendingPathComponent("none.tsv").path
        #expect(throws: EvaluationError(path: gone, reason: "no such file")) { try AnnotationFile.read(gone) }
    }

    @Test func geoJSONFeatureCollectionWithPointsAndObjectClassification() throws {
        let path = try Self.file("a.geojson", """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.5, 20]},
               "properties": {"objectType": "annotation", "classification": {"name": "Positive", "color": [255, 0, 0]},
                              "measurements": {"DAB": NaN, "Area": Infinity, "Min": -Infinity, "note": "NaN stays"}}},
              {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
               "properties": {"classification": {"name": "Tumor"}}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {}}
            ]}
            """)
        #expect(try AnnotationFile.read(path) == [AnnotationPoint(x: 10.5, y: 20, label: "positive"),
                                                  AnnotationPoint(x: 1, y: 2, label: "unlabelled")])
    }

    @Test func geoJSONSingleFeatureMultiPointAndStringClassification() throws {
        let path = try Self.file("b.json", """
            {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]},
             "properties": {"classification": "Tumor: Negative"}}
            """)
        #expect(try AnnotationFile.read(path) == [AnnotationPoint(x: 1, y: 2, label: "negative"),
                                                  AnnotationPoint(x: 3, y: 4, label: "negative")])
        // A bare array of features, in a file whose name says nothing.
        let array = try Self.file("c.points", """
            [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 6]}, "properties": {"classification": {"name": "Lymphocyte"}}}]
            """)
        #expect(try AnnotationFile.read(array) == [AnnotationPoint(x: 5, y: 6, label: "lymphocyte")])
    }

    @Test func badGeoJSONGivesOneLineErrors() throws {
        let broken = try Self.file("broken.geojson", "{\"type\": \"FeatureCollection\", \"features\": [")
        #expect(throws: EvaluationError(path: broken, reason: "malformed JSON")) { try AnnotationFile.read(broken) }
        let areas = try Self.file("areas.geojson", """
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}}]}
            """)
        #expect(throws: EvaluationError(path: areas, reason: "no points (no Point or MultiPoint geometry)")) {
            try AnnotationFile.read(areas)
        }
        let nan = try Self.file("nan.geojson", """
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 3]}}
            """)
        #expect(throws: EvaluationError(path: nan, reason: "feature 1: Point coordinates are not two numbers")) {
            try AnnotationFile.read(nan)
        }
        let other = try Self.file("other.geojson", "{\"type\": \"Point\", \"coordinates\": [1, 2]}")
        let error = #expect(throws: EvaluationError.self) { try AnnotationFile.read(other) }
        #expect(error?.description.hasPrefix("\(other): not GeoJSON") == true)
    }

    @Test func theListResolvesPathsAndDefaultsSourceAndCompleteness() throws {
        let sub = Self.dir.appendingPathComponent("setA/images")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let list = try Self.file("LIST.tsv", """
            image\tannotations\tcomplete\tpixel_size
            setA/images/t1.png\tsetA/labels/t1.tsv\tno\t0.25
            other/t2.png\tt2.geojson\t\t

            """)
        let items = try AnnotationList.read(list)
        #expect(items.count == 2)
        #expect(items[0].imagePath == Self.dir.appendingPathComponent("setA/images/t1.png").path)
        #expect(items[0].annotationsPath == Self.dir.appendingPathComponent("setA/labels/t1.tsv").path)
        #expect(items[0].source == "setA" && !items[0].complete && items[0].pixelSizeMicrons == 0.25)
        #expect(items[1].source == "other" && items[1].complete && items[1].pixelSizeMicrons == nil)
        let named = try Self.file("named.tsv", "image\tannotations\tsource\na.png\ta.tsv\tlab1\n")
        #expect(try AnnotationList.read(named)[0].source == "lab1")
    }

    @Test func badListsNameTheFileAndLine() throws {
        let noColumn = try Self.file("l1.tsv", "image\tpoints\na.png\ta.tsv\n")
        #expect(throws: EvaluationError(path: noColumn, reason: "missing column annotations")) { try AnnotationList.read(noColumn) }
        let badFlag = try Self.file("l2.tsv", "image\tannotations\tcomplete\na.png\ta.tsv\tyes\nb.png\tb.tsv\tmaybe\n")
        #expect(throws: EvaluationError(path: badFlag, line: 3, reason: "complete 'maybe' is not yes or no")) {
            try AnnotationList.read(badFlag)
        }
        let badSize = try Self.file("l3.tsv", "image\tannotations\tpixel_size\na.png\ta.tsv\t-1\n")
        #expect(throws: EvaluationError(path: badSize, line: 2, reason: "pixel_size '-1' is not a positive number")) {
            try AnnotationList.read(badSize)
        }
        let empty = try Self.file("l4.tsv", "image\tannotations\n")
        #expect(throws: EvaluationError(path: empty, reason: "lists no images")) { try AnnotationList.read(empty) }
    }
}
