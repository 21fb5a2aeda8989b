import Foundation
import StainShiftClassify
import StainShiftCohort
@testable import StainShiftReport
import Testing
import StainShiftFoundation

@Suite struct ReportJSONTests {
    let result = ReportFixture.cohort()

    private func expectEqual(_ a: CohortResult, _ b: CohortResult) {
        #expect(a.tiles == b.tiles)
        #expect(a.slides == b.slides)
        #expect(a.changes == b.changes)
        #expect(a.calls == b.calls)
        #expect(a.failures == b.failures)
        #expect(a.provenance == b.provenance)
    }

    @Test func writeThenLoadGivesTheSameResult() throws {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        try ReportWriter.write(result, to: outdir)
        for name in ["report.html", "report.json", "stainshift_mqc.tsv", "stainshift_mqc.json"] {
            #expect(FileManager.default.fileExists(atPath: outdir + "/" + name), "\(name)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: outdir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        expectEqual(try ReportWriter.load(jsonAt: outdir + "/report.json"), result)
        expectEqual(try ReportWriter.load(jsonAt: outdir), result)
    }

    @Test func bytesAreStableThroughARoundTrip() throws {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let text = ReportWriter.json(result)
        try text.write(toFile: outdir + "/report.json", atomically: true, encoding: .utf8)
        #expect(ReportWriter.json(try ReportWriter.load(jsonAt: outdir + "/report.json")) == text)
        #expect(text == ReportWriter.json(result))
    }

    @Test func documentHasSchemaUnitsStatementAndSnakeCaseKeys() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ReportWriter.json(result).utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["research_use_only"] as? String == ReportWriter.researchUseOnly)
        let units = try #require(object["units"] as? [String: String])
        #expect(units["delta"] == "post - pre, in the unit of the metric (percentage points for percentages)")
        #expect(units["metric.tps"] == "% of viable tumour cells with membrane staining at any intensity (0-100)")
        #expect(units["metric.hscore"] == "H-score, 1 x %1+ + 2 x %2+ + 3 x %3+ (0-300)")
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["patients"] as? Int == 6)
        #expect((summary["groups"] as? [String: Int])?["no_change"] == 2)
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        let record = result.changes[0]
        #expect(change["delta"] as? Double == record.delta)
        #expect(change["ci_low"] as? Double == record.ciLow)
        let tile = try #require((object["tiles"] as? [[String: Any]])?.first)
        let totals = try #require((tile["score"] as? [String: Any])?["totals"] as? [String: Any])
        let first = result.tiles[0].score.totals
        #expect(totals["primary_dab_sum"] as? Double == first.primaryDABSum)
        let wholeCell = try #require(totals["tumour_whole_cell"] as? [String: Int])
        #expect(wholeCell == ["negative": first.tumourWholeCell.negative, "weak": first.tumourWholeCell.weak,
                              "moderate": first.tumourWholeCell.moderate, "strong": first.tumourWholeCell.strong])
        let settings = try #require((object["provenance"] as? [String: Any])?["settings"] as? [String: String])
        #expect(settings["camelCaseKey"] == "kept as is")
        // Every key outside the free-form dictionaries is snake_case.
        func keys(_ value: Any, verbatim: Bool) -> [String] {
            if let dict = value as? [String: Any] {
                return dict.flatMap { key, child in
                    (verbatim ? [] : [key]) + keys(child, verbatim: ["settings", "units", "groups", "benefits"].contains(key))
                }
            }
            if let array = value as? [Any] { return array.flatMap { keys($0, verbatim: false) } }
            return []
        }
        let all = keys(object, verbatim: false)
        #expect(all.allSatisfy { $0 == $0.lowercased() }, "\(all.filter { $0 != $0.lowercased() })")
    }

    @Test func keysAreSorted() {
        let text = ReportWriter.json(result)
        let top = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }.map(String.init)
        #expect(top == top.sorted())
        #expect(top.first == "calls")
    }

    /// Every stored property of every record survives snake_case and back, so `load` reads what
    /// `write` wrote even for names with acronyms (`primaryDABSum`).
    @Test func everyPropertyNameRoundTripsThroughSnakeCase() {
        var names = Set<String>()
        func collect(_ value: Any) {
            for child in Mirror(reflecting: value).children {
                if let label = child.label { names.insert(label) }
                collect(child.value)
            }
        }
        collect(result.tiles[0]); collect(result.slides[0]); collect(result.changes[0])
        collect(result.calls[0]); collect(result.failures[0]); collect(result.provenance)
        #expect(names.contains("primaryDABSum"))
        for name in names where !name.hasPrefix("_") && !name.contains(" ") && Int(name) == nil {
            #expect(KeyCaseProbe.roundTrips(name), "\(name)")
        }
    }

    @Test func nonFiniteNumbersSurvive() throws {
        var odd = result
        odd.changes[0].ciLow = .nan
        odd.changes[1].ciHigh = .infinity
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        try ReportWriter.write(odd, to: outdir)
        let back = try ReportWriter.load(jsonAt: outdir)
        #expect(back.changes[0].ciLow.isNaN)
        #expect(back.changes[1].ciHigh == .infinity)
        #expect(back.changes[2] == odd.changes[2])
        let html = try String(contentsOfFile: outdir + "/report.html", encoding: .utf8)
        #expect(html.contains(">NA<"))
    }

    @Test func missingFileIsAOneLineError() {
        #expect {
            try ReportWriter.load(jsonAt: "/nonexistent/run")
        } throws: { error in
            "\(error)" == "/nonexistent/run: no such file"
        }
    }

    @Test func brokenOrForeignJSONIsRejectedWithItsPath() throws {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let path = outdir + "/report.json"
        let cases: [(String, String)] = [
            ("{\"schema_version\": 1, \"tiles\": [", "not a StainShift report.json"),
            ("{\"tiles\": []}", "no schema_version"),
            ("{\"schema_version\": 99}", "schema_version 99 is newer"),
            ("{\"schema_version\": 1, \"tiles\": [], \"slides\": [], \"changes\": [], \"calls\": [], \"failures\": []}",
             "provenance: missing"),
        ]
        for (text, expected) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try ReportWriter.load(jsonAt: path)
                Issue.record("accepted \(text)")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix(path + ": "), "\(message)")
                #expect(message.contains(expected), "\(message)")
                #expect(!message.contains("\n"))
            }
        }
    }

    @Test func writingIntoAFileFails() throws {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let file = outdir + "/plain"
        try Data().write(to: URL(fileURLWithPath: file))
        #expect(throws: FileError(path: file, reason: "not a directory")) {
            try ReportWriter.write(result, to: file)
        }
    }
}

/// Reaches the key mapping through a one-field document, as `load` does.
enum KeyCaseProbe {
    static func roundTrips(_ name: String) -> Bool {
        KeyCase.camel(KeyCase.snake(name)) == name
    }
}
