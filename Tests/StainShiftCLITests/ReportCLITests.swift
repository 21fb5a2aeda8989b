import Foundation
import Testing

/// `stainshift report OUTDIR` against a report.json written as `stainshift run` writes it.
@Suite struct ReportCLITests {
    /// A minimal run: one patient, PD-L1 TPS paired, no tiles (report.json schema 1).
    static let reportJSON = """
    {
      "calls" : [ { "benefit" : "likely", "flags" : [], "patient" : "P<1>", "pdl1_group" : "increase",
                    "rationale" : "TPS rose by 30 points.", "rule" : "R1", "tps_category_post" : "1-49%",
                    "tps_category_pre" : "<1%", "tps_post" : 30.5, "tps_pre" : 0.5, "signals" : [] } ],
      "changes" : [ { "ci_high" : 36.25, "ci_low" : 21.125, "marker" : "pdl1", "metric" : "tps",
                      "patient" : "P<1>", "post" : 30.5, "pre" : 0.5, "pre_tiles" : 3, "post_tiles" : 2,
                      "pre_tumour_cells" : 900, "post_tumour_cells" : 640 } ],
      "failures" : [ { "error" : "not a TIFF file", "image" : "b.tiff", "line" : 3, "stage" : "read" } ],
      "provenance" : { "date" : "2026-11-27T05:00:00Z", "manifest" : "m.csv", "settings" : { "seed" : "1" },
                       "version" : "0.1.0" },
      "schema_version" : 1,
      "slides" : [],
      "tiles" : []
    }
    """

    private func runFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("stainshift-report-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Self.reportJSON.write(to: url.appendingPathComponent("report.json"), atomically: true, encoding: .utf8)
        return url
    }

    @Test func rerendersTheReportFromReportJSON() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRun.run(["report", dir.path, "--title", "Trial <7> re-render"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<title>Trial &lt;7&gt; re-render</title>"))
        #expect(html.contains("data-patient=\"P&lt;1&gt;\""))
        // Rounded for reading: percentage points to one decimal (the tables keep 4).
        #expect(html.contains(">30.0<") && html.contains(">21.1<") && html.contains(">36.2<"))
        #expect(html.contains("not a TIFF file"))
        for name in ["stainshift_mqc.tsv", "stainshift_mqc.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
        }
        let json = try String(contentsOf: dir.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(json == Self.reportJSON, "report.json is left as it was")
    }

    @Test func missingFolderIsOneLineAndExitOne() throws {
        let r = try CLIRun.run(["report", "/nonexistent/run"])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift report: /nonexistent/run: no such directory\n")
    }

    @Test func folderWithoutReportJSONIsOneLineAndExitOne() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("report.json"))
        let r = try CLIRun.run(["report", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift report: \(dir.path)/report.json: no such file\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
    }

    @Test func brokenReportJSONIsOneLineAndExitOne() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{\"schema_version\": 1, \"tiles\": 5}".write(to: dir.appendingPathComponent("report.json"),
                                                       atomically: true, encoding: .utf8)
        let r = try CLIRun.run(["report", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("stainshift report: \(dir.path)/report.json: invalid report.json: "))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func negativeBandIsAUsageError() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRun.run(["report", dir.path, "--tps-band", "-3"])
        #expect(r.status == 64)
    }

    /// `dir/lab-templates/NAME.mustache` holding `text`.
    private func templates(in dir: URL, _ name: String, _ text: String) throws -> URL {
        let folder = dir.appendingPathComponent("lab-templates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent(name + ".mustache"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func labTemplatesChangeThePage() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = try templates(in: dir, "footer", "<footer>Lab of {{title}}</footer>")
        let r = try CLIRun.run(["report", dir.path, "--title", "A & B", "--templates", templates.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<footer>Lab of A &amp; B</footer>"))
        #expect(html.contains("<h2>Cohort summary</h2>"))
    }

    @Test func aBrokenTemplateIsOneLineAndExit64AndWritesNothing() throws {
        let dir = try runFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = try templates(in: dir, "summary", "<section>{{#summary}}\n</section>\n")
        let r = try CLIRun.run(["report", dir.path, "--templates", templates.path])
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix("stainshift report: \(templates.path)/summary.mustache: line "))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
    }
}
