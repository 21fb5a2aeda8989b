import Foundation
import Testing

/// `stainshift train-cells` through the built binary: a model from synthetic tiles' truth classes,
/// and the one-line errors (a single class, a missing image, no labelled cells).
@Suite(.serialized) struct TrainCellsCLITests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("train-cells-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: d.appendingPathComponent("images"), withIntermediateDirectories: true)
        return d
    }()

    /// Two synthetic Ki67 tiles; points.N.tsv give every truth cell its class, one.N.tsv only the
    /// tumour cells, off.N.tsv points off the image. Lists: LIST.tsv, ONE.tsv, OFF.tsv, GONE.tsv.
    static let ready: Bool = {
        for seed in [3, 4] {
            let tile = dir.appendingPathComponent("images/t\(seed).png").path, truth = dir.appendingPathComponent("truth\(seed).tsv").path
            _ = try? CLIRun.run(["synth", "tile", tile, "--marker", "ki67", "--seed", "\(seed)", "--size", "256", "--truth", truth])
            let rows = ((try? String(contentsOfFile: truth, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst()
            var all = "x\ty\tlabel\n", one = all, off = all
            for row in rows {
                let f = row.split(separator: "\t").map(String.init)   // label class bin secondary_bin positive centroid_x centroid_y ...
                guard f.count > 6 else { continue }
                all += "\(f[5])\t\(f[6])\t\(f[1] == "lymphocyte" ? "Lymphocyte" : "Tumor")\n"
                if f[1] != "lymphocyte" { one += "\(f[5])\t\(f[6])\tTumor\n" }
                off += "-40\t-40\t\(f[1])\n"
            }
            all += "-40\t-40\tTumor\n"
            for (name, text) in [("points", all), ("one", one), ("off", off)] {
                try? Data(text.utf8).write(to: dir.appendingPathComponent("\(name)\(seed).tsv"))
            }
        }
        for (list, stem) in [("LIST", "points"), ("ONE", "one"), ("OFF", "off")] {
            try? Data("image\tannotations\nimages/t3.png\t\(stem)3.tsv\nimages/t4.png\t\(stem)4.tsv\n".utf8)
                .write(to: dir.appendingPathComponent("\(list).tsv"))
        }
        try? Data("image\tannotations\nimages/t3.png\tpoints3.tsv\nimages/gone.png\tpoints4.tsv\n".utf8)
            .write(to: dir.appendingPathComponent("GONE.tsv"))
        return true
    }()

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func trainsAModelAndPrintsCrossValidationConfusionAndImportances() throws {
        _ = Self.ready
        let model = Self.path("model.json")
        let r = try CLIRun.run(["train-cells", "--annotations", Self.path("LIST.tsv"), "--marker", "ki67", "-o", model,
                                "--trees", "20", "--folds", "2", "--seed", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("stainshift train-cells: warning: ") && r.stderr.contains(" points hit no cell"), "\(r.stderr)")
        #expect(r.stderr.contains("cross-validation: 2 folds grouped by image"), "\(r.stderr)")
        #expect(r.stderr.contains("\nlymphocyte  lymphocyte") && r.stderr.contains("\ntumour      tumour"), "\(r.stderr)")
        #expect(r.stderr.contains("confusion (rows: truth, columns: predicted)"))
        #expect(r.stderr.contains("top features (mean decrease in impurity)"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        #expect(object["format"] as? String == "stainshift-cell-classifier")
        #expect((object["trees"] as? [Any])?.count == 20)
        #expect((object["classes"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["lymphocyte", "tumour"])
        let training = try #require(object["training"] as? [String: Any])
        #expect(training["images"] as? Int == 2)
        let cv = try #require(training["cross_validation"] as? [String: Any])
        let recall = try #require(cv["recall"] as? [Double])
        #expect(recall.allSatisfy { $0 > 0.75 }, "\(recall)")
        // Same seed, same bytes; with one thread too.
        let again = Self.path("again.json")
        let r2 = try CLIRun.run(["train-cells", "--annotations", Self.path("LIST.tsv"), "--marker", "ki67", "-o", again,
                                 "--trees", "20", "--folds", "2", "--seed", "5", "--threads", "1"])
        #expect(r2.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }

    @Test func badInputIsAOneLineErrorNamingTheFileAndNoModel() throws {
        _ = Self.ready
        let cases: [(String, String)] = [
            ("ONE.tsv", "stainshift train-cells: \(Self.path("ONE.tsv")): a single class ('tumour'); a classifier needs two or more"),
            ("OFF.tsv", "stainshift train-cells: \(Self.path("OFF.tsv")): no labelled cells (no annotation fell on a detected cell)"),
            ("GONE.tsv", "stainshift train-cells: \(Self.path("images/gone.png")): no such file"),
            ("NOLIST.tsv", "stainshift train-cells: \(Self.path("NOLIST.tsv")): no such file"),
        ]
        for (list, expected) in cases {
            let out = Self.path("bad-\(list).json")
            let r = try CLIRun.run(["train-cells", "--annotations", Self.path(list), "--marker", "ki67", "-o", out, "--trees", "5"])
            #expect(r.status == (list == "NOLIST.tsv" ? 64 : 1), "\(list): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").map(String.init).contains(expected), "\(list): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let r = try CLIRun.run(["train-cells", "--annotations", Self.path("LIST.tsv"), "--marker", "ki67", "-o", Self.path("x.json"), "--folds", "0"])
        #expect(r.status == 64)
    }
}
