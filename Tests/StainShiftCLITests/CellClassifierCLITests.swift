import Foundation
import Testing

/// `--cell-classifier` on `score`, `evaluate`, `run` and `score-slide`, and the classes in `score`'s
/// outputs. A model that cannot be loaded is refused with a one-line usage error (exit 64) naming
/// the file, before any image is read or any output written.
@Suite(.serialized) struct CellClassifierCLITests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("classes-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static let tile: String = {
        let path = dir.appendingPathComponent("tile.png").path
        _ = try? CLIRun.run(["synth", "tile", path, "--marker", "pdl1", "--seed", "4", "--size", "256"])
        return path
    }()

    static let model: String = {
        let path = dir.appendingPathComponent("model.json").path
        try? Data("{\"classes\":[\"Tumor\",\"Stroma\"]}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    @Test(arguments: ["score", "evaluate", "run", "score-slide"])
    func aModelThatCannotBeLoadedIsAUsageErrorNamingTheFile(command: String) throws {
        let out = Self.dir.appendingPathComponent("out-\(command)").path
        let manifest = Self.dir.appendingPathComponent("manifest.tsv").path
        try "patient\ttimepoint\tmarker\timage\nP1\tpre\tpdl1\t\(Self.tile)\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let args: [String] = switch command {
        case "score": ["score", Self.tile, "--marker", "pdl1", "--json", out + ".json"]
        case "evaluate": ["evaluate", "--annotations", manifest, "--marker", "pdl1", "--json", out + ".json"]
        case "run": ["run", manifest, "-o", out]
        default: ["score-slide", manifest, "--slide", "P1_pre_pdl1", "-o", out + ".json"]
        }
        for (model, problem) in [(Self.model, "model"), (Self.dir.appendingPathComponent("missing.json").path, "cannot read")] {
            let r = try CLIRun.run(args + ["--cell-classifier", model])
            #expect(r.status == 64, "\(command): \(r.stderr)")
            #expect(r.stderr.contains(model) && r.stderr.contains(problem), "\(command): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(command): one line: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + ".json"))
        }
    }

    @Test func scoreReportsClassesInTheJSONCellsTableAndGeoJSON() throws {
        let cells = Self.dir.appendingPathComponent("cells.tsv").path, geo = Self.dir.appendingPathComponent("cells.geojson").path
        let r = try CLIRun.run(["score", Self.tile, "--marker", "pdl1", "--json", "-", "--cells", cells, "--cells-geojson", geo])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let counts = try #require(json["cells"] as? [String: Any])
        let classes = try #require(json["classes"] as? [String: [String: Any]])
        #expect(Set(classes.keys) == ["Tumor", "Immune cells"])
        #expect(classes["Tumor"]?["total"] as? Int == counts["tumour"] as? Int)
        #expect(classes["Immune cells"]?["total"] as? Int == counts["lymphocytes"] as? Int)
        #expect(classes["Immune cells"]?["role"] as? String == "lymphocyte")
        #expect(counts["insufficient"] as? Bool == ((counts["tumour"] as? Int ?? 0) < 100))
        #expect((json["settings"] as? [String: Any])?["cell_classifier"] as? String == "morphology")
        let rows = try String(contentsOfFile: cells, encoding: .utf8).split(separator: "\n").dropFirst()
        let classColumn = rows.map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[1]) }
        #expect(classColumn.filter { $0 == "Tumor" }.count == classes["Tumor"]?["total"] as? Int)
        #expect(classColumn.filter { $0 == "Immune cells" }.count == classes["Immune cells"]?["total"] as? Int)
        let text = try String(contentsOfFile: geo, encoding: .utf8)
        let tumourPositive = try #require(classes["Tumor"]?["positive"] as? Int)
        let negative = text.components(separatedBy: "\"Tumor: Negative\"").count - 1
        #expect(negative == (classes["Tumor"]?["total"] as? Int ?? 0) - tumourPositive)
    }
}
