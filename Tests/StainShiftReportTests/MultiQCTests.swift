import Foundation
import StainShiftReport
import Testing

@Suite struct MultiQCTests {
    let result = ReportFixture.cohort()

    private func files() throws -> (tsv: String, json: String) {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        try ReportWriter.write(result, to: outdir)
        return (try String(contentsOfFile: outdir + "/stainshift_mqc.tsv", encoding: .utf8),
                try String(contentsOfFile: outdir + "/stainshift_mqc.json", encoding: .utf8))
    }

    @Test func tsvHasTheCustomContentHeaderAndOneRowPerPatient() throws {
        let tsv = try files().tsv
        let lines = tsv.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let header = lines.prefix { $0.hasPrefix("#") }
        for required in ["# id: 'stainshift_groups'", "# section_name: ", "# description: ", "# plot_type: 'table'",
                         "# pconfig:", "# headers:", "#     tps_delta:"] {
            #expect(header.contains { $0.hasPrefix(required) }, "\(required)")
        }
        let table = lines.dropFirst(header.count).map { $0.components(separatedBy: "\t") }
        let columns = try #require(table.first)
        #expect(columns.first == "Sample")
        #expect(table.allSatisfy { $0.count == columns.count })
        #expect(table.count == 1 + 6)
        // Every column but the sample name is configured in the YAML header.
        for column in columns.dropFirst() { #expect(header.contains("#     \(column):"), "\(column)") }
        let deltaColumn = try #require(columns.firstIndex(of: "tps_delta"))
        for change in result.changes where change.marker == "pdl1" && change.metric == "tps" {
            let row = try #require(table.first { $0[0] == change.patient })
            #expect(row[deltaColumn] == ReportFormat.number(change.delta))
        }
        let p4 = try #require(table.first { $0[0] == "P4" })
        #expect(p4[columns.firstIndex(of: "pdl1_group") ?? 0] == "insufficient")
        #expect(p4[deltaColumn] == "")
    }

    @Test func jsonIsCustomContentWithHeadersForEveryColumn() throws {
        let text = try files().json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["plot_type"] as? String == "table")
        #expect(object["id"] as? String == "stainshift_markers")
        #expect(object["section_name"] is String && object["description"] is String)
        #expect((object["pconfig"] as? [String: Any])?["id"] as? String == "stainshift_markers_table")
        let headers = try #require(object["headers"] as? [String: Any])
        let data = try #require(object["data"] as? [String: [String: Double]])
        #expect(Set(data.keys) == Set(result.changes.map(\.patient)))
        for row in data.values { for key in row.keys { #expect(headers[key] != nil, "\(key)") } }
        let p1 = try #require(data["P1"])
        #expect(p1["pdl1_tps_delta"] == 27.5)
        #expect(p1["hla1_hscore_pre"] == 85)
        // Values carry the tables' 4 decimals: P5's -0.00004 point change is 0.
        #expect(data["P5"]?["pdl1_tps_delta"] == 0)
        #expect(text.contains("\"pdl1_tps_delta\": 27.5000"))
        #expect(!text.contains("-0.0000"))
        // Columns keep marker order: PD-L1 first.
        #expect(text.range(of: "\"pdl1_tps_pre\"")?.lowerBound ?? text.endIndex
                < text.range(of: "\"hla1_hscore_pre\"")?.lowerBound ?? text.startIndex)
    }
}
