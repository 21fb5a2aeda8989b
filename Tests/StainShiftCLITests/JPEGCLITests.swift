import CJPEGCodec
import Foundation
import StainShiftImaging
import Testing

/// JPEG through the binary: `info`, `score` and a `run` manifest with one truncated JPEG.
@Suite(.serialized) struct JPEGCLITests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("jpeg-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// `image` (8-bit RGB) as a 4:2:0 JPEG at `quality`, as a camera or slide export writes it.
    static func jpeg(_ image: RGBImage, quality: Int32 = 92) throws -> Data {
        guard case .uint8(let samples) = image.samples else { throw CLIFailure("not an 8-bit image") }
        var out: UnsafeMutablePointer<UInt8>?
        var length: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let ok = samples.withUnsafeBufferPointer {
            ssjpg_encode($0.baseAddress, UInt32(image.width), UInt32(image.height), 3, quality, 0, 1, &out, &length, &message, message.count)
        }
        defer { ssjpg_free(out) }
        guard ok == 1, let out else { throw CLIFailure("encoder failed") }
        return Data(bytes: out, count: Int(length))
    }

    /// A synthetic tile (`synth tile`, seed `seed`) and the same pixels as JPEG beside it.
    static func tile(_ name: String, seed: Int, marker: String = "pdl1") throws -> (png: String, jpeg: String) {
        let png = dir.appendingPathComponent("\(name).png").path, jpg = dir.appendingPathComponent("\(name).jpg").path
        let r = try CLIRun.run(["synth", "tile", png, "--marker", marker, "--seed", String(seed), "--size", "384"])
        guard r.status == 0 else { throw CLIFailure("synth: \(r.stderr)") }
        try jpeg(try ImageReader.read(png)).write(to: URL(fileURLWithPath: jpg))
        return (png, jpg)
    }

    @Test func infoDescribesAJPEG() throws {
        let image = RGBImage(width: 40, height: 30, filling: (200, 120, 90))
        let path = Self.dir.appendingPathComponent("flat.jpeg").path
        try Self.jpeg(image).write(to: URL(fileURLWithPath: path))
        let r = try CLIRun.run(["info", path])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout == """
            {"width": 40, "height": 30, "bits": 8, "samples": 3, "photometric": "ycbcr", "compression": "jpeg", \
            "tiled": false, "tile_width": null, "tile_height": null, "pages": 1, "pixel_size_um": null, "format": "jpeg"}

            """)
        let png = path + ".png"
        #expect(try CLIRun.run(["convert", path, png]).status == 0)
        let back = try ImageReader.read(png)
        guard case .uint8(let s) = back.samples else { throw CLIFailure("not 8-bit") }
        let centre = (15 * 40 + 20) * 3
        #expect(back.width == 40 && zip(s[centre..<(centre + 3)], [200, 120, 90]).allSatisfy { abs(Int($0) - $1) <= 3 })
    }

    /// The JPEG of a tile scores like the tile: same cells within a few percent. The pixel size
    /// is given to both, so the comparison is of the decoded pixels alone (the estimate from the
    /// nuclei differs by a fraction of a percent between the two, enough to move a few cells).
    @Test func scoreOnAJPEGMatchesTheLosslessTile() throws {
        let (png, jpg) = try Self.tile("score", seed: 3)
        let options = ["--marker", "pdl1", "--json", "-", "--threads", "2", "--pixel-size", "0.5"]
        let a = try CLIRun.run(["score", png] + options)
        let b = try CLIRun.run(["score", jpg] + options)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        func cells(_ json: String) throws -> (total: Int, positive: Int, image: String) {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let c = try #require(o["cells"] as? [String: Any])
            return (try #require(c["total"] as? Int), try #require(c["positive"] as? Int), try #require(o["image"] as? String))
        }
        let p = try cells(a.stdout), j = try cells(b.stdout)
        #expect(j.image == jpg)
        #expect(p.total > 50 && abs(j.total - p.total) <= max(3, p.total / 20), "png \(p), jpeg \(j)")
        #expect(abs(Double(j.positive) / Double(j.total) - Double(p.positive) / Double(p.total)) < 0.05, "png \(p), jpeg \(j)")
    }

    /// A manifest of JPEG rows, one of them cut short: exit 3, the cut one in failures.tsv,
    /// the good ones scored.
    @Test func runScoresGoodJPEGsAndListsATruncatedOne() throws {
        let pre = try Self.tile("pre", seed: 5), post = try Self.tile("post", seed: 6)
        let whole = try Data(contentsOf: URL(fileURLWithPath: post.jpeg))
        try whole.prefix(whole.count * 2 / 3).write(to: Self.dir.appendingPathComponent("cut.jpg"))
        let manifest = Self.dir.appendingPathComponent("jpeg-manifest.tsv")
        try """
            patient\ttimepoint\tmarker\tslide\timage
            P01\tpre\tpdl1\tP01-pre\tpre.jpg
            P01\tpost\tpdl1\tP01-post\tpost.jpg
            P01\tpost\tpdl1\tP01-post\tcut.jpg

            """.write(to: manifest, atomically: true, encoding: .utf8)
        let out = Self.dir.appendingPathComponent("run-out")
        let r = try CLIRun.run(["run", manifest.path, "-o", out.path, "--threads", "2", "--bootstrap", "50", "--quiet"])
        #expect(r.status == 3, "\(r.stderr)")
        let failures = try SyntheticRun.rows(out.appendingPathComponent("failures.tsv"))
        #expect(failures.count == 1)
        #expect(failures.first?["image"] == "cut.jpg" && failures.first?["stage"] == "read" && failures.first?["line"] == "4")
        #expect(failures.first?["error"]?.hasSuffix("cut.jpg: invalid JPEG: file ends early (truncated)") == true, "\(failures)")
        let tiles = try SyntheticRun.rows(out.appendingPathComponent("tiles.tsv"))
        #expect(tiles.map { $0["image"] ?? "" } == ["pre.jpg", "post.jpg"])
        #expect(tiles.allSatisfy { Int($0["cells_total"] ?? "") ?? 0 > 50 })
        #expect(pre.png != post.png)
    }
}
