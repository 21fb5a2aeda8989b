import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftFoundation
import StainShiftImaging
import StainShiftPipeline
import StainShiftReport
import StainShiftScoring
import Testing

/// The report as `stainshift run` writes it: a cheap fake scorer drives the real batch runner,
/// cohort assembly and tables, then the HTML is checked against changes.tsv.
@Suite struct ReportPipelineTests {
    /// A tile's first red sample is its number of positive tumour cells out of 200.
    static let engine = ScoringEngine(knownMarkers: ["pdl1", "hla1", "crt", "hmgb1"], score: { job in
        guard case .uint8(let s) = job.image.samples else { throw FileError(path: job.name, reason: "8-bit only") }
        var t = TileTotals(); t.tiles = 1; t.imagePixels = job.image.pixelCount; t.tissuePixels = job.image.pixelCount
        let positive = min(200, Int(s[0]))
        t.tumour = BinCounts(negative: 200 - positive, weak: positive / 2, moderate: positive - positive / 2)
        return TileScore(image: job.name, marker: job.marker, totals: t, qcFlags: [], pixelSizeMicrons: job.pixelSize ?? 0.5)
    }, scores: { marker, t in
        marker == "pdl1" ? [MarkerScore(name: "tps", value: t.tumour.percentPositive), MarkerScore(name: "hscore", value: t.tumour.hScore),
                            MarkerScore(name: "tps_category_code", value: t.tumour.percentPositive < 1 ? 0 : t.tumour.percentPositive < 50 ? 1 : 2)]
            : [MarkerScore(name: "hscore", value: t.tumour.hScore), MarkerScore(name: "percent_positive", value: t.tumour.percentPositive)]
    }, parameters: { "fake-\($0)" }, overlay: { job in job.image })

    /// Writes tiles and a manifest: per patient and marker, pre tiles near `pre` positives and
    /// post near `post`; patient C has no post PD-L1 tiles and one unreadable tile.
    static func cohort(in dir: String) throws -> String {
        var lines = ["patient,timepoint,marker,image"]
        let patients: [(String, Int, Int)] = [("A", 20, 90), ("B", 80, 10), ("C", 50, 52), ("D", 30, 33)]
        for (p, pre, post) in patients {
            for marker in ["pdl1", "hla1"] {
                for (tp, base) in [("pre", pre), ("post", post)] where !(p == "C" && marker == "pdl1" && tp == "post") {
                    for k in 0..<3 {
                        let name = "\(p)_\(marker)_\(tp)_\(k).png"
                        let value = UInt8(clamping: base + k * 5 - 5 + (marker == "hla1" ? 7 : 0))
                        try ImageWriter.writePNG(RGBImage(width: 6, height: 6, filling: (value, 40, 60)), to: dir + "/" + name)
                        lines.append("\(p),\(tp),\(marker),\(name)")
                    }
                }
            }
        }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/C_broken.png"))
        lines.append("C,post,pdl1,C_broken.png")
        let manifest = dir + "/manifest.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        return manifest
    }

    /// changes.tsv rows as column name -> value.
    static func rows(_ tsv: String) -> [[String: String]] {
        let lines = tsv.split(separator: "\n").map { $0.components(separatedBy: "\t") }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func everyNumberOfChangesTSVIsInTheHTML() throws {
        let dir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifest = try Self.cohort(in: dir)
        var settings = CohortSettings(); settings.resamples = 200
        let result = try CohortPipeline.run(manifestPath: manifest, outdir: dir + "/out", engine: Self.engine,
                                            batch: BatchOptions(threads: 2), cohort: settings)
        let html = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
        let root = try XMLNode.parse(html)
        let changes = Self.rows(try String(contentsOfFile: dir + "/out/changes.tsv", encoding: .utf8))
        #expect(changes.count == result.changes.count && !changes.isEmpty)
        for row in changes {
            let section = try #require(root.all("section", class: "patient").first { $0.attributes["data-patient"] == row["patient"] })
            let tr = try #require(section.all("tr", class: "change").first {
                $0.attributes["data-marker"] == row["marker"] && $0.attributes["data-metric"] == row["metric"]
            })
            for (column, cls) in [("pre", "pre"), ("post", "post"), ("delta", "delta"), ("ci_low", "ci-low"), ("ci_high", "ci-high")] {
                // The HTML rounds for reading (`ReportFormat.shown`); the TSV keeps 4 decimals.
                let value = row[column].flatMap(Double.init), metric = row["metric"] ?? ""
                let shown = column == "pre" || column == "post" ? ReportFormat.shown(value, metric: metric)
                    : ReportFormat.shownChange(value, metric: metric)
                #expect(tr.all("td", class: cls).first?.allText == shown, "\(row["patient"] ?? "") \(column)")
            }
        }
        // Categories read by name, percentages with one decimal.
        let codes = root.all("tr").filter { $0.attributes["data-metric"] == "tps_category_code" }
        #expect(!codes.isEmpty)
        for tr in codes { #expect(["<1%", "1-49%", ">=50%"].contains(tr.all("td", class: "pre").first?.allText ?? "")) }
        let tps = root.all("tr", class: "change").filter { $0.attributes["data-metric"] == "tps" }
        #expect(!tps.isEmpty && tps.allSatisfy { ($0.all("td", class: "pre").first?.allText ?? "").split(separator: ".").last?.count == 1 })
        // The unreadable tile is listed, C is insufficient, and its section says so.
        #expect(root.all("tr", class: "failure").count == result.failures.count && !result.failures.isEmpty)
        #expect(root.all("tr", class: "insufficient-patient").map { $0.attributes["data-patient"] } == ["C"])
        // Waterfall bars: one per patient with a PD-L1 TPS change (A, B, D).
        #expect(root.all("rect", class: "bar").count == 3)
        // Overlays drawn by the runner are embedded.
        let overlays = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/out/overlays"))?.filter { $0.hasSuffix(".png") } ?? []
        #expect(!overlays.isEmpty)
        #expect(root.all("img").count == overlays.count)
        // report.json reads back to what the runner returned.
        let back = try ReportWriter.load(jsonAt: dir + "/out")
        #expect(back.changes == result.changes && back.calls == result.calls && back.slides == result.slides
                && back.tiles == result.tiles && back.failures == result.failures && back.provenance == result.provenance)
    }
}
