import Foundation
import StainShift
import Testing

/// `stainshift deconvolve` and `stainshift stains`, run as the built binary.
@Suite struct StainsCLITests {
    /// A folder removed when the test ends.
    final class Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stainshift-stains-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// A 8-bit H-DAB tile: left half hematoxylin 0.6 OD, right half DAB 0.9 OD, a white first row.
    static func tile(width: Int = 96, height: Int = 40) -> RGBImage {
        let h = StainPresets.hDAB.stains[0], d = StainPresets.hDAB.stains[1]
        var s = [UInt8](repeating: 255, count: 3 * width * height)
        for y in 1..<height {
            for x in 0..<width {
                let (v, a) = x < width / 2 ? (h, 0.6) : (d, 0.9)
                let c = v.colour(amount: a * (0.5 + Double(y) / Double(height)))
                s[3 * (y * width + x)] = c.0; s[3 * (y * width + x) + 1] = c.1; s[3 * (y * width + x) + 2] = c.2
            }
        }
        return RGBImage(width: width, height: height, samples: .uint8(s))
    }

    /// A single-sample float32 TIFF (the library's reader), nil when it cannot be read.
    static func readFloatTIFF(_ path: String) -> FloatPlane? { try? ImageReader.readFloatTIFF(path) }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test func deconvolveWritesFloatMapsPreviewsAndJSON() throws {
        let dir = try Scratch()
        let input = dir.path("tile.png")
        try ImageWriter.writePNG(Self.tile(), to: input)
        let r = try CLIRun.run(["deconvolve", input, "-o", dir.path("out")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let summary = try #require(Self.json(r.stdout))
        let mean = try #require(summary["mean_od"] as? [String: Double])
        #expect(Set(mean.keys) == ["hematoxylin", "dab", "residual"])
        #expect(summary["stain_text"] as? String == StainPresets.hDAB.text)
        #expect((summary["mean_channel_od"] as? [String: Double])?.keys.count == 3)
        for role in ["hematoxylin", "dab", "residual"] {
            let map = try #require(Self.readFloatTIFF(dir.path("out/tile.\(role).tiff")), "\(role)")
            #expect(map.width == 96 && map.height == 40)
            // The file's mean is the JSON's mean.
            let fileMean = map.values.reduce(0.0) { $0 + Double($1) } / Double(map.values.count)
            #expect(abs(fileMean - (mean[role] ?? 99)) < 1e-6)
            // The white first row is 0 OD.
            #expect(map.values[0..<96].allSatisfy { $0 == 0 })
            #expect(FileManager.default.fileExists(atPath: dir.path("out/tile.\(role).png")))
        }
        // Pure hematoxylin on the left: H about 0.6 x 1.0 at mid-height, DAB near 0 (8-bit rounding).
        let hMap = try #require(Self.readFloatTIFF(dir.path("out/tile.hematoxylin.tiff")))
        let dMap = try #require(Self.readFloatTIFF(dir.path("out/tile.dab.tiff")))
        #expect(abs(hMap.values[20 * 96 + 10] - 0.6) < 0.02)
        #expect(abs(dMap.values[20 * 96 + 10]) < 0.02)
        #expect(abs(dMap.values[20 * 96 + 80] - 0.9) < 0.02)
    }

    @Test func bandedLargeImagePathMatchesTheWholeImagePath() throws {
        let dir = try Scratch()
        let input = dir.path("big.tif")
        try ImageWriter.writeTIFF(Self.tile(width: 130, height: 301), to: input)
        let whole = try CLIRun.run(["deconvolve", input, "-o", dir.path("a"), "--stains", "auto", "--background", "auto"])
        let banded = try CLIRun.run(["deconvolve", input, "-o", dir.path("b"), "--stains", "auto", "--background", "auto",
                                     "--max-pixels", "10000", "--threads", "1"])
        #expect(whole.status == 0 && banded.status == 0, "\(whole.stderr) \(banded.stderr)")
        let a = try #require(Self.json(whole.stdout)), b = try #require(Self.json(banded.stdout))
        #expect((a["bands"] as? Int) == 1)
        #expect((b["bands"] as? Int ?? 0) > 1)
        #expect(a["stain_text"] as? String == b["stain_text"] as? String)
        for role in ["hematoxylin", "dab", "residual"] {
            let x = try #require(Self.readFloatTIFF(dir.path("a/big.\(role).tiff")))
            let y = try #require(Self.readFloatTIFF(dir.path("b/big.\(role).tiff")))
            #expect(x.values.map(\.bitPattern) == y.values.map(\.bitPattern), "\(role)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("a/big.\(role).png")))
                    == Data(contentsOf: URL(fileURLWithPath: dir.path("b/big.\(role).png"))))
        }
    }

    @Test func threadCountDoesNotChangeTheBytes() throws {
        let dir = try Scratch()
        let input = dir.path("t.png")
        try ImageWriter.writePNG(Self.tile(width: 203, height: 77), to: input)
        let one = try CLIRun.run(["deconvolve", input, "-o", dir.path("1"), "--threads", "1"])
        let two = try CLIRun.run(["deconvolve", input, "-o", dir.path("2"), "--threads", "2"])
        #expect(one.status == 0 && two.status == 0)
        for file in ["t.hematoxylin.tiff", "t.dab.tiff", "t.residual.tiff", "t.dab.png"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("1/\(file)")))
                    == Data(contentsOf: URL(fileURLWithPath: dir.path("2/\(file)"))), "\(file)")
        }
    }

    @Test func otherStainSetsNameFilesByRoleAndJSONFeedsBack() throws {
        let dir = try Scratch()
        let input = dir.path("he.png")
        try ImageWriter.writePNG(Self.tile(), to: input)
        let r = try CLIRun.run(["deconvolve", input, "-o", dir.path("o"), "--stains", "h-e-dab", "--clip"])
        #expect(r.status == 0, "\(r.stderr)")
        for role in ["hematoxylin", "eosin", "dab"] {
            let map = try #require(Self.readFloatTIFF(dir.path("o/he.\(role).tiff")))
            #expect(map.values.allSatisfy { $0 >= 0 })
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("o/he.residual.tiff")))
        // The printed JSON is a stain file.
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: dir.path("used.json")))
        let again = try CLIRun.run(["deconvolve", input, "-o", dir.path("p"), "--stains", dir.path("used.json")])
        #expect(Self.json(again.stdout)?["stain_text"] as? String == StainPresets.hEDAB.text)
    }

    @Test func autoEstimatesFromTheImageWithRolesFromTheReference() throws {
        let dir = try Scratch()
        let input = dir.path("a.png")
        try ImageWriter.writePNG(Self.tile(width: 120, height: 90), to: input)
        let r = try CLIRun.run(["deconvolve", input, "-o", dir.path("o"), "--stains", "auto:h-aec"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(Self.json(r.stdout))
        #expect(summary["roles"] as? [String] == ["hematoxylin", "aec", "residual"])
        let estimation = try #require(summary["estimation"] as? [String: Any])
        #expect(estimation["method"] as? String == "macenko")
        #expect(estimation["fallback"] as? Bool == false)
        #expect(FileManager.default.fileExists(atPath: dir.path("o/a.aec.tiff")))
    }

    @Test(arguments: [
        (["--stains", "auto:h-dob"], "stainshift deconvolve: --stains: malformed stain description: 'h-dob' is not a stain preset"),
        (["--stains", "h-dob"], "stainshift deconvolve: --stains: malformed stain description: 'h-dob' is not a stain preset"),
        (["--stains", "hematoxylin:0.65,0.7,0.29;dab:0.65,0.7,0.29"], "stainshift deconvolve: --stains: singular stain matrix: hematoxylin and dab are (nearly) parallel"),
        (["--stains", "hematoxylin:0,0,0;dab:0.27,0.57,0.78"], "stainshift deconvolve: --stains: invalid stain vector: hematoxylin: zero vector"),
    ])
    func badStainsAreAUsageError(arguments: [String], message: String) throws {
        let dir = try Scratch()
        let input = dir.path("x.png")
        try ImageWriter.writePNG(Self.tile(), to: input)
        let r = try CLIRun.run(["deconvolve", input, "-o", dir.path("o")] + arguments)
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
    }

    @Test func missingImageIsOneLineAndExitOne() throws {
        let r = try CLIRun.run(["deconvolve", "/nonexistent/tile.png", "-o", "/tmp/unused"])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift deconvolve: /nonexistent/tile.png: no such file\n")
    }

    @Test func stainsListsEveryPresetWithItsSource() throws {
        let r = try CLIRun.run(["stains"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "name\tstain\tr\tg\tb\tsource")
        for name in ["h-dab", "h-e", "h-e-dab", "h-aec", "qupath-h-dab"] {
            #expect(lines.contains { $0.hasPrefix("\(name)\t") }, "\(name)")
        }
        #expect(lines.contains { $0.hasPrefix("qupath-h-dab\thematoxylin\t0.65111\t0.70119\t0.29049\t") })
        let json = try CLIRun.run(["stains", "--json"])
        let entries = try #require((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) as? [[String: Any]])
        #expect(entries.count == StainPresets.all.count)
    }
}
