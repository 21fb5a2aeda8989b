import Foundation
import Testing

/// `stainshift info` and `score` on whole slides (../shared/validation/slides): the slide keys
/// of `info`, scoring a JPEG 2000 SVS, and one-line errors with exit code 1 for bad slides.
/// The shared slide folder, when present.
enum SlideFolder {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/validation/slides")
    static func slide(_ name: String) -> String { url.appendingPathComponent(name).path }
    static let available: Bool = {
        let found = FileManager.default.fileExists(atPath: slide("CMU-1-Small-Region.svs"))
        if !found { print("NOTE: slide CLI tests skipped: \(url.path) is absent") }
        return found
    }()
}

@Suite(.enabled(if: SlideFolder.available, "../shared/validation/slides is absent")) struct SlideCLITests {
    @Test func infoPrintsLevelsVendorObjectiveAndAssociatedImages() throws {
        let path = SlideFolder.slide("CMU-1-Small-Region.svs")
        let r = try CLIRun.run(["info", path])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout == """
            {"width": 2220, "height": 2967, "bits": 8, "samples": 3, "photometric": "rgb", "compression": "jpeg", \
            "tiled": true, "tile_width": 240, "tile_height": 240, "pages": 4, "pixel_size_um": 0.499, "format": "slide", \
            "vendor": "aperio", "objective": 20, "levels": [{"width": 2220, "height": 2967, "downsample": 1}], \
            "associated_images": ["label", "macro", "thumbnail"]}

            """)
        let tcga = try CLIRun.run(["info", SlideFolder.slide("TCGA-CR-7395-01A-01-TS1.svs")])
        #expect(tcga.status == 0, "\(tcga.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(tcga.stdout.utf8)) as? [String: Any])
        let levels = try #require(json["levels"] as? [[String: Any]])
        #expect(levels.map { $0["width"] as? Int } == [4443, 2221])
        #expect(json["compression"] as? String == "jpeg-2000" && json["pixel_size_um"] is NSNull)
    }

    @Test func scoresAJPEG2000Slide() throws {
        let path = SlideFolder.slide("TCGA-CR-7395-01A-01-TS1.svs")
        let start = Date()
        let r = try CLIRun.run(["score", path, "--page", "1", "--marker", "ki67", "--json", "-"])
        print("slide: stainshift score TCGA level 1 (2221 x 1783): \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let cells = try #require(json["cells"] as? [String: Any])
        #expect((cells["total"] as? Int ?? 0) > 100)
    }

    @Test func badSlidesGiveOneLineErrorsAndExitOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ss-slide-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.svs").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let cut = dir.appendingPathComponent("cut.svs").path
        try Data(contentsOf: URL(fileURLWithPath: SlideFolder.slide("CMU-1-Small-Region.svs"))).prefix(1_000_000)
            .write(to: URL(fileURLWithPath: cut))
        for path in [SlideFolder.slide("broken.svs"), empty, cut] {
            for command in [["info", path], ["score", path, "--marker", "ki67", "--json", "-"]] {
                let r = try CLIRun.run(command)
                #expect(r.status == 1, "\(command)")
                #expect(r.stdout.isEmpty)
                #expect(r.stderr.hasPrefix("stainshift \(command[0]): \(path): ") && r.stderr.filter { $0 == "\n" }.count == 1,
                        "\(r.stderr)")
            }
        }
        let broken = try CLIRun.run(["info", SlideFolder.slide("broken.svs")])
        #expect(broken.stderr == "stainshift info: \(SlideFolder.slide("broken.svs")): not a whole-slide image OpenSlide can read\n")
    }
}
