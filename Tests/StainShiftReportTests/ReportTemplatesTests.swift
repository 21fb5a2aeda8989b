import Foundation
import StainShiftCohort
import StainShiftFoundation
import StainShiftReport
import Testing

/// report.html from Mustache templates: the built-in set, a lab's folder over it, and the
/// one-line error of a template that does not parse.
@Suite struct ReportTemplatesTests {
    let result = ReportFixture.cohort()

    private func folder(_ files: [String: String]) throws -> String {
        let dir = try ReportFixture.temporaryDirectory()
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    @Test func theBuiltInSetHasThePageAndEverySection() {
        let names = ReportTemplates.names
        for name in ["report", "style", "header", "summary", "waterfall", "paired", "overview", "failures",
                     "patient", "patient-call", "patient-scores", "patient-slides", "patient-qc",
                     "patient-thumbnails", "methods", "footer"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(ReportTemplates.builtIn.directory == nil && ReportTemplates.builtIn.overridden.isEmpty)
        #expect(ReportOptions().templates == ReportTemplates.builtIn)
    }

    /// Every template file in the source tree is compiled in under its name (a file left out of
    /// the built-in table would render as nothing where it is included).
    @Test func everyTemplateFileIsBuiltIn() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/StainShiftReport/Templates").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }.sorted()
        #expect(files.count > 10)
        #expect(files == ReportTemplates.names)
    }

    @Test func aLabFolderReplacesOnlyTheTemplatesItHolds() throws {
        let dir = try folder([
            "summary.mustache": "{{#summary}}<section id=\"summary\"><h2>Lab summary</h2><ul>{{#cards}}<li>{{label}}: {{value}}</li>{{/cards}}</ul></section>{{/summary}}\n",
            "style.mustache": "body { color: #123456; }\n",
            "notes.txt": "not a template {{#",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let templates = try ReportTemplates(directory: dir)
        #expect(templates.overridden == ["style", "summary"])
        #expect(templates != ReportTemplates.builtIn)
        let text = ReportWriter.html(result, options: ReportOptions(templates: templates))
        let root = try XMLNode.parse(text)
        let summary = try #require(root.all("section").first { $0.attributes["id"] == "summary" })
        #expect(summary.all("h2").first?.allText == "Lab summary")
        #expect(summary.all("li").map(\.allText).first == "Patients: \(Set(result.calls.map(\.patient)).count)")
        #expect(!text.contains("Cohort summary"))
        #expect(text.contains("body { color: #123456; }") && !text.contains("@media print"))
        // The other sections are the built-in ones.
        let plain = ReportWriter.html(result, options: ReportOptions())
        for id in ["waterfall", "failures", "methods"] {
            let mine = try #require(root.all("section").first { $0.attributes["id"] == id })
            let builtIn = try #require(try XMLNode.parse(plain).all("section").first { $0.attributes["id"] == id })
            #expect(mine.allText == builtIn.allText, "\(id)")
        }
    }

    @Test func aNewPartialCanBeAddedAndUsed() throws {
        let dir = try folder([
            "patient.mustache": "<section class=\"patient\" data-patient=\"{{id}}\">{{> lab-banner}}</section>\n",
            "lab-banner.mustache": "<p class=\"banner\">Patient {{id}} of the lab</p>",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = ReportWriter.html(result, options: ReportOptions(templates: try ReportTemplates(directory: dir)))
        let root = try XMLNode.parse(text)
        let banners = root.all("p", class: "banner").map(\.allText)
        #expect(banners.contains("Patient P1 of the lab"))
        #expect(banners.contains("Patient \(ReportFixture.awkward) of the lab"))
    }

    @Test func aBrokenTemplateIsAOneLineErrorNamingTheFile() throws {
        let dir = try folder(["summary.mustache": "<section>\n{{#summary}}<h2>x</h2>\n</section>\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = try #require(throws: FileError.self) { try ReportTemplates(directory: dir) }
        #expect(error.path == dir + "/summary.mustache")
        #expect(error.description.hasPrefix(dir + "/summary.mustache: "))
        #expect(error.reason.contains("not closed"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aMissingFolderIsAnError() throws {
        let error = try #require(throws: FileError.self) { try ReportTemplates(directory: "/nonexistent/templates") }
        #expect(error.description == "/nonexistent/templates: no such templates folder")
    }

    @Test func renderWritesWithTheLabTemplates() throws {
        let dir = try folder(["footer.mustache": "<footer>Lab footer {{version}}</footer>"])
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: outdir) }
        try ReportWriter.render(result, to: outdir, options: ReportOptions(templates: try ReportTemplates(directory: dir)))
        let text = try String(contentsOfFile: outdir + "/report.html", encoding: .utf8)
        #expect(try XMLNode.parse(text).all("footer").first?.allText == "Lab footer \(result.provenance.version)")
    }

    /// Mustache escapes whole characters: a combining mark after `<` must not carry it through.
    @Test func markupCharactersWithCombiningMarksAreStillEscaped() throws {
        var odd = result
        odd.failures.append(FailureRecord(line: 9, image: "x<\u{0301}y.tiff", stage: "read", error: "\u{0600}<b>&\u{200D}"))
        let text = ReportWriter.html(odd, options: ReportOptions(title: "T<\u{0308}script>"))
        let root = try XMLNode.parse(text)
        #expect(!text.contains("<b>") && !text.contains("<\u{0308}script"))
        #expect(root.all("title").first?.allText == "T<\u{25CC}\u{0308}script>")
        #expect(root.all("tr", class: "failure").last?.allText.contains("x<\u{25CC}\u{0301}y.tiff") == true)
    }
}
