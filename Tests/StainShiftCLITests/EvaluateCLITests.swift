import Foundation
import Testing

/// `stainshift evaluate` through the built binary: outputs, stderr summary, exit codes 0/3/64.
@Suite(.serialized) struct EvaluateCLITests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("evaluate-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: d.appendingPathComponent("set/images"), withIntermediateDirectories: true)
        return d
    }()

    /// A synthetic Ki67 tile and its truth as x/y/label points, listed in LIST.tsv (and BROKEN.tsv with a missing image).
    static let list: String = {
        let tile = dir.appendingPathComponent("set/images/tile.png").path
        let truth = dir.appendingPathComponent("truth.tsv").path
        _ = try? CLIRun.run(["synth", "tile", tile, "--marker", "ki67", "--seed", "3", "--size", "256", "--truth", truth])
        let rows = ((try? String(contentsOfFile: truth, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst()
        var points = "x\ty\tlabel\n"
        for row in rows {
            let f = row.split(separator: "\t").map(String.init)   // label class bin secondary_bin positive centroid_x centroid_y ...
            if f.count > 6 { points += "\(f[5])\t\(f[6])\t\(f[4] == "1" ? "positive" : "negative")\n" }
        }
        try? Data(points.utf8).write(to: dir.appendingPathComponent("set/points.tsv"))
        try? Data("image\tannotations\nset/images/tile.png\tset/points.tsv\n".utf8).write(to: dir.appendingPathComponent("LIST.tsv"))
        try? Data("image\tannotations\nset/images/tile.png\tset/points.tsv\nset/images/gone.png\tset/points.tsv\n".utf8)
            .write(to: dir.appendingPathComponent("BROKEN.tsv"))
        return dir.appendingPathComponent("LIST.tsv").path
    }()

    @Test func evaluateWritesJSONTableOverlayAndASummary() throws {
        let json = Self.dir.appendingPathComponent("eval.json").path, table = Self.dir.appendingPathComponent("eval.tsv").path
        let overlays = Self.dir.appendingPathComponent("overlays").path
        let r = try CLIRun.run(["evaluate", "--annotations", Self.list, "--marker", "ki67", "--json", json,
                                "--table", table, "--overlay", overlays, "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("source"), "\(r.stderr)")
        #expect(r.stderr.contains("\nset ") && r.stderr.contains("\noverall "))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(object["marker"] as? String == "ki67")
        let overall = try #require(object["overall"] as? [String: Any])
        let detection = try #require(overall["detection"] as? [String: Any])
        #expect((detection["recall"] as? Double ?? 0) > 0.85)
        for key in ["precision", "f1", "tp", "fp", "fn"] { #expect(detection[key] != nil, "\(key)") }
        for key in ["positivity_agreement", "index", "matched_index", "classes", "index_mae", "index_r", "index_max_error"] {
            #expect(overall[key] != nil, "\(key)")
        }
        #expect((object["sources"] as? [String: Any])?["set"] != nil)
        #expect((object["images"] as? [Any])?.count == 1)
        let rows = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[0].hasPrefix("source\timage\tcomplete\tpoints"))
        #expect(FileManager.default.fileExists(atPath: overlays + "/set__tile.png"))
    }

    @Test func aMissingImageFailsAloneWithExitThreeOrZeroWhenKeepingGoing() throws {
        _ = Self.list
        let broken = Self.dir.appendingPathComponent("BROKEN.tsv").path, json = Self.dir.appendingPathComponent("b.json").path
        let r = try CLIRun.run(["evaluate", "--annotations", broken, "--marker", "ki67", "--json", json, "--quiet"])
        #expect(r.status == 3)
        let gone = Self.dir.appendingPathComponent("set/images/gone.png").path
        #expect(r.stderr == "stainshift evaluate: \(gone): no such file\nstainshift evaluate: 1 of 2 images failed\n")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("\"error\": \"\(gone): no such file\""))
        let k = try CLIRun.run(["evaluate", "--annotations", broken, "--marker", "ki67", "--json", json, "--quiet", "--keep-going"])
        #expect(k.status == 0)
    }

    @Test func unusableListsAndFlagsAreUsageErrors() throws {
        let bad = Self.dir.appendingPathComponent("bad.tsv").path
        try Data("image\tpoints\na.png\tb.tsv\n".utf8).write(to: URL(fileURLWithPath: bad))
        let r = try CLIRun.run(["evaluate", "--annotations", bad, "--marker", "ki67", "--json", "-"])
        #expect(r.status == 64)
        #expect(r.stderr == "stainshift evaluate: \(bad): missing column annotations\n")
        #expect(try CLIRun.run(["evaluate", "--annotations", bad, "--marker", "ki67", "--json", "-", "--match-radius", "0"]).status == 64)
        #expect(try CLIRun.run(["evaluate", "--annotations", bad, "--marker", "nope", "--json", "-"]).status == 64)
        let help = try CLIRun.run(["evaluate", "--help"])
        #expect(help.stdout.contains("Examples:") && help.stdout.contains("--match-radius"))
    }
}
