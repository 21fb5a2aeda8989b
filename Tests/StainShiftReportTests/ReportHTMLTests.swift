import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftImaging
import StainShiftReport
import Testing

@Suite struct ReportHTMLTests {
    let result = ReportFixture.cohort()
    var html: String { ReportWriter.html(result, options: ReportOptions()) }

    private func section(_ root: XMLNode, patient: String) throws -> XMLNode {
        try #require(root.all("section", class: "patient").first { $0.attributes["data-patient"] == patient })
    }

    /// The parse checks below mean something only if unclosed tags and bare ampersands fail.
    @Test func theXMLCheckRejectsHTMLThatIsNotWellFormed() {
        #expect(throws: XMLTreeError.self) { try XMLNode.parse("<html><body><div></body></html>") }
        #expect(throws: XMLTreeError.self) { try XMLNode.parse("<html><p>P1 & P2</p></html>") }
        #expect(throws: XMLTreeError.self) { try XMLNode.parse("<html><meta charset=\"utf-8\"></html>") }
    }

    @Test func htmlIsWellFormedXML() throws {
        let root = try XMLNode.parse(html)
        #expect(root.name == "html")
        #expect(root.all("body").count == 1)
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
    }

    @Test func everyPatientAndMarkerHasItsPlace() throws {
        let root = try XMLNode.parse(html)
        let patients = Set(result.calls.map(\.patient))
        let sections = root.all("section", class: "patient").compactMap { $0.attributes["data-patient"] }
        #expect(Set(sections) == patients)
        #expect(sections.count == patients.count)
        // Natural order: P1, P2, P4, P5, P10, then the id starting with "P<".
        #expect(sections.prefix(5) == ["P1", "P2", "P4", "P5", "P10"])
        let plotted = Set(root.all("svg", class: "paired").compactMap { $0.attributes["data-marker"] })
        #expect(plotted == Set(ReportFixture.markers))
        for patient in patients {
            let rows = try section(root, patient: patient).all("tr").compactMap { $0.attributes["data-marker"] }
            #expect(Set(rows) == Set(ReportFixture.markers), "markers of \(patient)")
        }
    }

    @Test func perPatientNumbersMatchTheChangeRecords() throws {
        let root = try XMLNode.parse(html)
        var checked = 0
        for change in result.changes {
            let rows = try section(root, patient: change.patient).all("tr", class: "change").filter {
                $0.attributes["data-marker"] == change.marker && $0.attributes["data-metric"] == change.metric
            }
            let row = try #require(rows.count == 1 ? rows.first : nil, "\(change.patient) \(change.marker) \(change.metric)")
            func cell(_ cls: String) -> String? { row.all("td", class: cls).first?.allText }
            let m = change.metric
            #expect(cell("pre") == ReportFormat.shown(change.pre, metric: m))
            #expect(cell("post") == ReportFormat.shown(change.post, metric: m))
            #expect(cell("delta") == ReportFormat.shownChange(change.delta, metric: m))
            #expect(cell("ci-low") == ReportFormat.shownChange(change.ciLow, metric: m))
            #expect(cell("ci-high") == ReportFormat.shownChange(change.ciHigh, metric: m))
            checked += 1
        }
        #expect(checked == result.changes.count)
        #expect(root.all("tr", class: "change").count == result.changes.count)
        #expect(!html.contains(">-0.0000<"))
    }

    @Test func unpairedPatientShowsItsSlideScoresAndNA() throws {
        let root = try XMLNode.parse(html)
        let rows = try section(root, patient: "P4").all("tr", class: "unpaired")
        let tps = try #require(rows.first { $0.attributes["data-marker"] == "pdl1" && $0.attributes["data-metric"] == "tps" })
        #expect(tps.all("td", class: "pre").first?.allText == "11.0")
        #expect(tps.all("td", class: "post").first?.allText == "NA")
        #expect(tps.all("td", class: "delta").first?.allText == "NA")
        // The overview falls back to the scored slide when the call carries no TPS.
        let overview = try #require(root.all("table", class: "overview").first?.all("tr").first { $0.attributes["data-patient"] == "P4" })
        #expect(overview.all("td").map(\.allText).prefix(5) == ["P4", "insufficient", "11.0", "NA", "NA"])
    }

    @Test func waterfallHasOneBarPerPatientWithATPSDeltaSortedDescending() throws {
        let root = try XMLNode.parse(html)
        let waterfall = try #require(root.all("svg", class: "waterfall").first)
        let bars = waterfall.all("rect", class: "bar")
        let expected = result.changes.filter { $0.marker == "pdl1" && $0.metric == "tps" }
            .sorted { $0.delta > $1.delta }.map(\.patient)
        #expect(bars.map { $0.attributes["data-patient"] ?? "" } == expected)
        #expect(waterfall.all("line", class: "whisker").count == expected.count)
        #expect(waterfall.all("rect", class: "band").count == 1)
        let increase = bars.first { $0.attributes["data-patient"] == "P1" }?.attributes["fill"]
        let decrease = bars.first { $0.attributes["data-patient"] == "P2" }?.attributes["fill"]
        #expect(increase != nil && decrease != nil && increase != decrease)
    }

    @Test func pairedPlotsHaveOneLinePerPatientPerMarker() throws {
        let root = try XMLNode.parse(html)
        let main = ["pdl1": "tps", "hla1": "hscore", "crt": "hscore", "hmgb1": "hscore"]
        for svg in root.all("svg", class: "paired") {
            let marker = try #require(svg.attributes["data-marker"])
            #expect(svg.attributes["data-metric"] == main[marker])
            let expected = result.changes.filter { $0.marker == marker && $0.metric == main[marker] }.count
            #expect(svg.all("line", class: "pair").count == expected, "\(marker)")
            #expect(svg.all("line", class: "median").count == 1)
        }
    }

    @Test func failuresAndInsufficientPatientsAreListed() throws {
        let root = try XMLNode.parse(html)
        let failures = try #require(root.all("section").first { $0.attributes["id"] == "failures" })
        let rows = failures.all("tr", class: "failure")
        #expect(rows.count == result.failures.count)
        for (row, failure) in zip(rows, result.failures) {
            #expect(row.allText.contains(failure.image))
            #expect(row.allText.contains(failure.error))
        }
        let insufficient = failures.all("tr", class: "insufficient-patient").map { $0.attributes["data-patient"] }
        #expect(insufficient == ["P4"])
        #expect(failures.allText.contains("PD-L1 post"))
        let p4 = try section(root, patient: "P4")
        #expect(p4.all("div", class: "warn").count >= 1)
        #expect(p4.allText.contains("No post-RT PD-L1 slide"))
    }

    @Test func aCohortWithoutFailuresSaysSo() throws {
        var clean = result
        clean.failures = []
        let root = try XMLNode.parse(ReportWriter.html(clean, options: ReportOptions()))
        let failures = try #require(root.all("section").first { $0.attributes["id"] == "failures" })
        #expect(failures.all("tr", class: "failure").isEmpty)
        #expect(failures.allText.contains("No input failed"))
    }

    @Test func userTextIsEscaped() throws {
        var odd = result
        odd.failures.append(FailureRecord(line: 7, image: "a\u{01}b.tiff", stage: "read", error: "</td></tr><script>x</script>"))
        let text = ReportWriter.html(odd, options: ReportOptions(title: "Trial <A> & B"))
        let root = try XMLNode.parse(text)
        #expect(!text.contains("<script"))
        #expect(!text.contains("<7>"))
        #expect(root.all("title").first?.allText == "Trial <A> & B")
        #expect(root.all("section", class: "patient").contains { $0.attributes["data-patient"] == ReportFixture.awkward })
        #expect(root.all("rect", class: "bar").contains { $0.attributes["data-patient"] == ReportFixture.awkward })
        #expect(root.all("tr", class: "failure").last?.allText.contains("a\u{FFFD}b.tiff") == true)
    }

    @Test func qcFlagsAreShownPerPatient() throws {
        let root = try XMLNode.parse(html)
        let p1 = try section(root, patient: "P1").allText
        #expect(p1.contains("stain_drift"))
        let p2 = try section(root, patient: "P2").allText
        #expect(p2.contains("out_of_focus"))
        #expect(p2.contains("1 of 2 PD-L1 post tiles"))
        let p4 = try section(root, patient: "P4").allText
        #expect(p4.contains("too_few_cells") && p4.contains("low_tissue"))
        let p10 = try section(root, patient: "P10")
        #expect(p10.all("p", class: "qc-none").count == 1)
    }

    @Test func callsShowRuleRationaleAndProbability() throws {
        let root = try XMLNode.parse(html)
        for call in result.calls {
            let s = try section(root, patient: call.patient)
            #expect(s.all("code", class: "rule").first?.allText == call.rule)
            #expect(s.all("p", class: "rationale").first?.allText == call.rationale)
        }
        #expect(try section(root, patient: "P1").allText.contains("model probability 0.81"))
    }

    @Test func selfContainedWithoutScriptsOrNetwork() throws {
        let text = html
        #expect(!text.contains("<script"))
        #expect(!text.contains("<link"))
        let urls = text.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/") }, "\(urls)")
        #expect(text.contains("@media print"))
        #expect(text.contains("section.patient { break-before: page"))
    }

    @Test func methodsCarryProvenance() throws {
        let root = try XMLNode.parse(html)
        let methods = try #require(root.all("section").first { $0.attributes["id"] == "methods" })
        let text = methods.allText
        #expect(text.contains("0.1.0") && text.contains("2026-11-27T05:00:00Z") && text.contains("cohort/manifest.csv"))
        // How intensities were normalised, and where each tile's factor is.
        #expect(text.contains("od_scale in tiles.tsv") && text.contains("--od-scale"))
        for (key, value) in result.provenance.settings where key != "classifier_config" {
            #expect(text.contains(key) && text.contains(value))
        }
        for tile in result.tiles { #expect(text.contains(tile.sha256)) }
        #expect(methods.all("table", class: "inputs").first?.all("tr").count == result.tiles.count + 1)
        let stains = try #require(methods.all("table", class: "stains").first)
        #expect(stains.all("tr").count == 3) // header, the preset, the one estimated matrix
        #expect(text.contains("estimated: H 0.612"))
        for rule in Set(result.calls.map(\.rule)) { #expect(text.contains(rule)) }
        #expect(root.all("div", class: "ruo").count >= 2)
        #expect(text.contains(ReportWriter.researchUseOnly))
    }

    @Test func ruleTableComesFromTheRecordedConfigWithFiredCounts() throws {
        let root = try XMLNode.parse(html)
        let rows = root.all("table", class: "rules").first?.all("tr").filter { $0.attributes["data-rule"] != nil } ?? []
        let config = ClassifierConfig()
        #expect(rows.map { $0.attributes["data-rule"] } == config.benefitRules.map(\.id))
        for row in rows {
            let id = row.attributes["data-rule"] ?? ""
            let fired = result.calls.filter { $0.rule == id }.count
            #expect(row.all("td").last?.allText == "\(fired)", "\(id)")
        }
        #expect(rows.last?.allText.contains("always (fallback)") == true)
        #expect(root.all("table", class: "signals").first?.all("tr").count == config.signals.count + 1)
        #expect(root.all("p", class: "group-rule").first?.allText.contains("\u{2265} 10 points") == true)
        // Without a recorded config, the rules that fired are listed instead.
        var bare = result
        bare.provenance.settings["classifier_config"] = nil
        let plain = try XMLNode.parse(ReportWriter.html(bare, options: ReportOptions()))
        #expect(plain.all("tr").filter { $0.attributes["data-rule"] != nil }.isEmpty)
        #expect(plain.all("table", class: "rules").first?.allText.contains("brake_and_accelerator") == true)
    }

    @Test func signalsDriftOutcomeAndFailedTilesAreShown() throws {
        let root = try XMLNode.parse(html)
        let p1 = try section(root, patient: "P1")
        let signals = p1.all("span", class: "signal")
        #expect(signals.count == 3)
        #expect(signals.first?.hasClass("s-gained") == true)
        #expect(signals.first?.attributes["title"]?.contains("calreticulin") == true)
        #expect(p1.allText.contains("7.25\u{00B0}") && p1.allText.contains("responder (1)"))
        let p2 = try section(root, patient: "P2")
        #expect(p2.all("td", class: "alert").map(\.allText) == ["1"])
        // Each slide's OD factor is in its row.
        #expect(p2.allText.contains("OD factor") && p2.allText.contains("0.91") && p2.allText.contains("1.87"))
        #expect(try section(root, patient: "P4").all("span", class: "signal").isEmpty)
    }

    @Test func sameInputGivesTheSameBytes() {
        #expect(html == ReportWriter.html(result, options: ReportOptions()))
    }

    @Test func thumbnailsAreEmbeddedFromTheOverlaysFolder() throws {
        let outdir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let overlays = outdir + "/overlays"
        try FileManager.default.createDirectory(atPath: overlays, withIntermediateDirectories: true)
        let image = RGBImage(width: 4, height: 3, samples: .uint8([UInt8](repeating: 200, count: 36)))
        let name = ReportWriter.overlayFileName(patient: ReportFixture.awkward, marker: "pdl1", timepoint: .pre)
        try ImageWriter.writePNG(image, to: overlays + "/" + name)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: overlays + "/"
            + ReportWriter.overlayFileName(patient: ReportFixture.awkward, marker: "pdl1", timepoint: .post)))
        // A slide whose overlay the runner recorded under another name.
        var result = result
        let index = try #require(result.slides.firstIndex { $0.patient == "P1" && $0.marker == "crt" && $0.timepoint == .post })
        result.slides[index].overlay = "overlays/P1-crt-post-tile-3.png"
        try ImageWriter.writePNG(image, to: overlays + "/P1-crt-post-tile-3.png")
        try ReportWriter.write(result, to: outdir)
        let text = try String(contentsOfFile: outdir + "/report.html", encoding: .utf8)
        let root = try XMLNode.parse(text)
        let s = try section(root, patient: ReportFixture.awkward)
        let images = s.all("img")
        #expect(images.count == 1)
        let src = try #require(images.first?.attributes["src"])
        #expect(src.hasPrefix("data:image/png;base64,"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: overlays + "/" + name))
        #expect(Data(base64Encoded: String(src.dropFirst("data:image/png;base64,".count))) == bytes)
        #expect(s.allText.contains("not a PNG file"))
        let p1 = try section(root, patient: "P1").all("figure", class: "thumb")
        #expect(p1.count == 1 && p1.first?.attributes["data-marker"] == "crt" && p1.first?.attributes["data-timepoint"] == "post")
        let off = ReportWriter.html(result, options: ReportOptions(includeThumbnails: false, overlaysDirectory: overlays))
        #expect(!off.contains("data:image/png"))
    }
}
