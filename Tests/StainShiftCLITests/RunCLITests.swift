import Foundation
import Testing

/// Synthetic cohorts made once by `stainshift synth cohort` and shared by the run tests.
enum SyntheticRun {
    /// 20 patients (increase / decrease / no_change in turn, known PD-L1 change, 2 degree slide
    /// stain jitter), 2 tiles of 448 x 448 per slide: the truth test, run with `--stains auto`.
    static let truthPatients = 20
    static let truthCohort: Result<URL, CLIFailure> = synth("truth", patients: truthPatients, tiles: 2, size: 448, seed: 5)
    static let truthRun: Result<URL, CLIFailure> = run(truthCohort, extra: ["--stains", "auto"])

    /// 4 patients, 2 tiles of 256 x 256 per slide: for determinism, resume and scatter/gather.
    static let smallPatients = 4
    static let smallCohort: Result<URL, CLIFailure> = synth("small", patients: smallPatients, tiles: 2, size: 256, seed: 11)
    /// An uninterrupted reference run of the small cohort (threads 2).
    static let reference: Result<URL, CLIFailure> = run(smallCohort, extra: [])

    static func synth(_ name: String, patients: Int, tiles: Int, size: Int, seed: Int) -> Result<URL, CLIFailure> {
        do {
            let dir = try scratch(name)
            let r = try CLIRun.run(["synth", "cohort", dir.path, "--patients", String(patients), "--tiles-per-slide", String(tiles),
                                    "--size", String(size), "--markers", "pdl1", "--seed", String(seed), "--threads", "2"])
            guard r.status == 0 else { return .failure(CLIFailure("synth failed: \(r.stderr)")) }
            return .success(dir)
        } catch { return .failure(CLIFailure("\(error)")) }
    }

    static func run(_ cohort: Result<URL, CLIFailure>, extra: [String]) -> Result<URL, CLIFailure> {
        do {
            let manifest = try cohort.get().appendingPathComponent("manifest.tsv").path
            let out = try scratch("run")
            let r = try CLIRun.run(["run", manifest, "-o", out.path, "--threads", "2", "--quiet", "--bootstrap", "300"] + extra)
            guard r.status == 0 else { return .failure(CLIFailure("run failed (\(r.status)): \(r.stderr)")) }
            return .success(out)
        } catch { return .failure(CLIFailure("\(error)")) }
    }

    static var manifest: String { get throws { try smallCohort.get().appendingPathComponent("manifest.tsv").path } }

    static func scratch(_ name: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("stainshift-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    static let tables = ["tiles.tsv", "slides.tsv", "changes.tsv", "groups.tsv", "failures.tsv"]

    static func sameTables(_ a: URL, _ b: URL) throws -> Bool {
        try tables.allSatisfy {
            try Data(contentsOf: a.appendingPathComponent($0)) == Data(contentsOf: b.appendingPathComponent($0))
        }
    }

    /// Rows of a TSV as column → value.
    static func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite(.serialized) struct RunCLITests {
    @Test func syntheticCohortGroupsMatchTheTruth() throws {
        let out = try SyntheticRun.truthRun.get()
        let truth = try SyntheticRun.rows(try SyntheticRun.truthCohort.get().appendingPathComponent("truth.tsv")).filter { $0["marker"] == "pdl1" }
        let groups = try SyntheticRun.rows(out.appendingPathComponent("groups.tsv"))
        #expect(groups.count == SyntheticRun.truthPatients)
        let right = truth.filter { t in groups.first { $0["patient"] == t["patient"] }?["pdl1_group"] == t["pdl1_group"] }
        #expect(Double(right.count) >= 0.95 * Double(truth.count), "groups: \(groups.map { ($0["patient"] ?? "", $0["pdl1_group"] ?? "") })")
        #expect(groups.allSatisfy { !($0["benefit"] ?? "").isEmpty && !($0["rationale"] ?? "").isEmpty })
        for name in SyntheticRun.tables + ["report.html", "report.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(try String(contentsOf: out.appendingPathComponent("failures.tsv"), encoding: .utf8) == "line\tslide\timage\tstage\terror\n")
        let overlays = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("overlays").path)
        #expect(overlays.count == 2 * SyntheticRun.truthPatients)
        let slides = try SyntheticRun.rows(out.appendingPathComponent("slides.tsv"))
        #expect(slides.allSatisfy { $0["stains_source"] == "auto" && $0["stain_drift_deg"] != "NA" })
    }

    @Test func tablesLeadWithTheContractColumnsInItsOrder() throws {
        let out = try SyntheticRun.reference.get()
        func header(_ table: String) throws -> [String] {
            let text = try String(contentsOf: out.appendingPathComponent(table), encoding: .utf8)
            return text.prefix { $0 != "\n" }.split(separator: "\t").map(String.init)
        }
        #expect(try header("tiles.tsv").prefix(8) == ["patient", "timepoint", "marker", "image", "cells_total",
                                                      "cells_positive", "percent_positive", "hscore"])
        #expect(try header("tiles.tsv").suffix(4) == ["qc_flags", "sha256", "od_scale", "pixel_size_source"])
        #expect(try SyntheticRun.rows(out.appendingPathComponent("tiles.tsv")).allSatisfy { Double($0["od_scale"] ?? "") ?? 0 > 0 })
        // A slide's od_scale is the median of its tiles' (two tiles here: their mean).
        let tiles = try SyntheticRun.rows(out.appendingPathComponent("tiles.tsv"))
        for slide in try SyntheticRun.rows(out.appendingPathComponent("slides.tsv")) {
            let own = tiles.filter { $0["slide"] == slide["slide"] }.compactMap { Double($0["od_scale"] ?? "") }
            #expect(own.count == 2 && abs((Double(slide["od_scale"] ?? "") ?? 0) - (own[0] + own[1]) / 2) < 1e-4, "\(slide)")
        }
        #expect(try header("changes.tsv").prefix(6) == ["patient", "marker", "metric", "pre", "post", "delta"])
        #expect(try header("changes.tsv").contains("ci_low") && header("changes.tsv").contains("ci_high"))
        #expect(try header("groups.tsv").prefix(4) == ["patient", "pdl1_group", "benefit", "rationale"])
    }

    @Test func oneThreadGivesTheSameTablesAsTwo() throws {
        let reference = try SyntheticRun.reference.get()
        let out = try SyntheticRun.scratch("threads1")
        let r = try CLIRun.run(["run", try SyntheticRun.manifest, "-o", out.path, "--threads", "1", "--quiet", "--bootstrap", "300"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(try SyntheticRun.sameTables(reference, out))
    }

    @Test func aRunKilledPartWayAndResumedEqualsAnUninterruptedRun() throws {
        let reference = try SyntheticRun.reference.get()
        let out = try SyntheticRun.scratch("killed")
        let cache = out.appendingPathComponent("cache")
        let process = Process()
        process.executableURL = CLIRun.binary()
        process.arguments = ["run", try SyntheticRun.manifest, "-o", out.path, "--threads", "1", "--quiet", "--bootstrap", "300"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        var cached = 0
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            cached = ((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).filter { $0.hasSuffix(".json") }.count
            if cached >= 3 { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)  // dies at once, mid-tile, without cleanup
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("groups.tsv").path))
        let resumed = try CLIRun.run(["run", try SyntheticRun.manifest, "-o", out.path, "--threads", "2", "--quiet", "--resume", "--bootstrap", "300"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try SyntheticRun.sameTables(reference, out))
    }

    @Test func scoreSlideThenCohortEqualsRun() throws {
        let reference = try SyntheticRun.reference.get()
        let manifest = try SyntheticRun.manifest
        let slides = Set(try SyntheticRun.rows(URL(fileURLWithPath: manifest)).compactMap { $0["slide"] }).sorted()
        let work = try SyntheticRun.scratch("scatter")
        var parts: [String] = []
        for slide in slides {
            let part = work.appendingPathComponent("\(slide).json").path
            let r = try CLIRun.run(["score-slide", manifest, "--slide", slide, "-o", part, "--threads", "2", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            parts.append(part)
        }
        let out = work.appendingPathComponent("out")
        let r = try CLIRun.run(["cohort"] + parts.reversed() + ["--manifest", manifest, "-o", out.path, "--quiet", "--bootstrap", "300"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try SyntheticRun.sameTables(reference, out))
        let bad = try CLIRun.run(["score-slide", manifest, "--slide", "nope", "-o", "-"])
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("stainshift score-slide: \(manifest): no usable rows for slide 'nope'"))
    }

    @Test func aCorruptTileAmongGoodOnesExitsThreeAndTheRestIsScored() throws {
        let cohort = try SyntheticRun.smallCohort.get()
        let work = try SyntheticRun.scratch("corrupt")
        try Data("this is not a PNG".utf8).write(to: work.appendingPathComponent("broken.png"))
        let original = try String(contentsOfFile: try SyntheticRun.manifest, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        lines = [lines[0]] + lines.dropFirst().prefix(6).map { row in
            var f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            f[4] = cohort.appendingPathComponent(f[4]).path
            return f.joined(separator: "\t")
        } + ["P01\tpre\tpdl1\tP01-pre-pdl1\tbroken.png"]
        let manifest = work.appendingPathComponent("m.tsv")
        try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("out")
        let r = try CLIRun.run(["run", manifest.path, "-o", out.path, "--threads", "2", "--bootstrap", "50"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("stainshift run: 1 input failed"))
        let failures = try SyntheticRun.rows(out.appendingPathComponent("failures.tsv"))
        #expect(failures.count == 1)
        #expect(failures.first?["line"] == "8" && failures.first?["stage"] == "read" && failures.first?["image"] == "broken.png")
        #expect(try SyntheticRun.rows(out.appendingPathComponent("tiles.tsv")).count == 6)
        let kept = try CLIRun.run(["run", manifest.path, "-o", out.path, "--threads", "2", "--bootstrap", "50", "--keep-going", "--quiet"])
        #expect(kept.status == 0)
    }

    @Test func unusableManifestsAreUsageErrors() throws {
        let work = try SyntheticRun.scratch("usage")
        let noMarker = work.appendingPathComponent("m.csv")
        try "patient,timepoint,image\nP1,pre,a.png\n".write(to: noMarker, atomically: true, encoding: .utf8)
        let r = try CLIRun.run(["run", noMarker.path, "-o", work.appendingPathComponent("o").path])
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.hasPrefix("stainshift run: \(noMarker.path): line 1: missing required column marker"))
        let absent = try CLIRun.run(["run", work.appendingPathComponent("absent.csv").path, "-o", work.path])
        #expect(absent.status == 64)
        #expect(absent.stderr == "stainshift run: \(work.appendingPathComponent("absent.csv").path): no such file\n")
    }

    @Test func trainThenClassifyGivesAProbabilityPerPatient() throws {
        let reference = try SyntheticRun.truthRun.get()
        let truth = try SyntheticRun.truthCohort.get().appendingPathComponent("truth.tsv").path
        let work = try SyntheticRun.scratch("train")
        let model = work.appendingPathComponent("model.json").path
        let t = try CLIRun.run(["train", reference.path, "--labels", truth, "--folds", "3", "-o", model])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stderr.contains("3-fold CV AUC"))
        let c = try CLIRun.run(["classify", reference.appendingPathComponent("changes.tsv").path, "--model", model])
        #expect(c.status == 0)
        let lines = c.stdout.split(separator: "\n")
        #expect(lines.first == "patient\tprobability\tcall")
        #expect(lines.count == SyntheticRun.truthPatients + 1)
        let config = try CLIRun.run(["classify", "--print-config"])
        #expect(config.stdout.contains("\"benefit_rules\""))
    }

    /// A paler counterstain on the post-RT slides alone (same PD-L1, 30% painted): the image's own OD
    /// factor turns it into a false TPS increase, flagged `od_scale_drift`; `--od-scale 1` gives
    /// no change and no flag.
    @Test func aPalerPostCounterstainIsFlaggedAndFixedODScaleUndoesIt() throws {
        let work = try SyntheticRun.scratch("counterstain")
        var lines = ["patient\ttimepoint\tmarker\timage"]
        for i in 1...2 {
            for (timepoint, seed, counterstain) in [("pre", i, "1"), ("post", i + 10, "0.4")] {
                let name = "\(timepoint)\(i).png"
                let r = try CLIRun.run(["synth", "tile", work.appendingPathComponent(name).path, "--marker", "pdl1", "--seed",
                                        String(seed), "--size", "320", "--positive", "30", "--counterstain", counterstain])
                #expect(r.status == 0, "\(r.stderr)")
                lines.append("P1\t\(timepoint)\tpdl1\t\(name)")
            }
        }
        let manifest = work.appendingPathComponent("m.tsv")
        try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        func group(_ extra: [String]) throws -> [String: String] {
            let out = work.appendingPathComponent("out\(extra.count)")
            let r = try CLIRun.run(["run", manifest.path, "-o", out.path, "--quiet", "--bootstrap", "200"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(try SyntheticRun.rows(out.appendingPathComponent("groups.tsv")).first)
        }
        let auto = try group(["--od-scale", "auto"]), fixed = try group([])   // 1 is the default
        #expect(auto["pdl1_group"] == "increase" && auto["flags"] == "od_scale_drift", "\(auto)")
        #expect(auto["rationale"]?.contains("--od-scale 1") == true)
        #expect(fixed["pdl1_group"] == "no_change" && fixed["flags"] == "", "\(fixed)")
        #expect(abs(Double(fixed["tps_delta"] ?? "") ?? 99) < 5, "\(fixed)")
    }
}
