import Foundation
import Testing
@testable import StainShiftScoring
import StainShiftFoundation

@Suite struct ScoreJSONTests {
    @Test func contractKeysComeFirstInAFixedOrder() throws {
        var t = TileTotals()
        t.tiles = 1; t.imagePixels = 100; t.tissuePixels = 77
        t.tumour = BinCounts(negative: 355, weak: 20, moderate: 25, strong: 12)
        let score = TileScore(image: "tile.png", marker: "pdl1", totals: t, qcFlags: [.lowTissue], pixelSizeMicrons: 0.5)
        let text = ScoreJSON.render(score, marker: .pdl1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let cells = try #require(object["cells"] as? [String: Any])
        #expect(cells["total"] as? Int == 412)
        #expect(cells["positive"] as? Int == 57)
        let bins = try #require(cells["bins"] as? [String: Int])
        #expect(bins == ["negative": 355, "1+": 20, "2+": 25, "3+": 12])
        let scores = try #require(object["scores"] as? [String: Double])
        #expect(abs((scores["percent_positive"] ?? 0) - 13.835) < 0.001)
        // 57 of 412 tumour cells at 1+ or above; H-score (20 + 2 x 25 + 3 x 12) / 412 x 100; no lymphocytes.
        #expect(abs((scores["tps"] ?? .nan) - 100 * 57 / 412.0) <= 1e-4) // JSON numbers have 4 decimals
        #expect(abs((scores["cps"] ?? .nan) - 100 * 57 / 412.0) <= 1e-4) // JSON numbers have 4 decimals
        #expect(abs((scores["hscore"] ?? .nan) - 100 * 106 / 412.0) <= 1e-4) // JSON numbers have 4 decimals
        #expect(scores["tps_category_code"] == 1)
        // TPS 13.8% and CPS 13.8 (no immune cells), SP263 TC 13.8%, SP142 IC 0% (no immune cells).
        #expect((object["categories"] as? [String: String]) == ["tps": "1-49%", "cps": ">=10", "tc": "1-24%", "ic": "IC0"])
        #expect((object["tissue"] as? [String: Any])?["area_px"] as? Int == 77)
        #expect((object["qc"] as? [String: Any])?["flags"] as? [String] == ["low_tissue"])
        let keys = ["\"image\"", "\"marker\"", "\"cells\"", "\"scores\"", "\"tissue\"", "\"qc\""]
        let positions = keys.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(ScoreJSON.render(score, marker: .pdl1) == text)
    }

    /// The normalisation factor travels with the score when it is known, and is left out when not.
    @Test func odScaleIsReportedUnderSettings() throws {
        var score = TileScore(image: "t.png", marker: "ki67", totals: TileTotals(), qcFlags: [], pixelSizeMicrons: 0.5)
        #expect(!ScoreJSON.render(score, marker: .ki67).contains("od_scale"))
        score.odScale = 1.75
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ScoreJSON.render(score, marker: .ki67).utf8)) as? [String: Any])
        #expect((object["settings"] as? [String: Any])?["od_scale"] as? Double == 1.75)
    }

    @Test func numbersNeverPrintNaN() {
        #expect(JSONText.number(.nan) == "null")
        #expect(JSONText.number(13.8349) == "13.8349")
        #expect(JSONText.number(2.50) == "2.5")
        #expect(JSONText.number(-0.00001) == "0")
        #expect(JSONText.quote("a\"b\n") == #""a\"b\n""#)
    }
}
