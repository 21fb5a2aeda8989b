import Foundation
import Testing

/// `stainshift info` and `stainshift convert`: JSON keys, round trips, one-line errors, exit codes.
@Suite struct ImagingCLITests {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ss-cli-img-\(UUID().uuidString)")

    static func sample() throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A 3 x 2 RGB PNG with a pHYs of 2,000,000 px/m (0.5 µm/px), stored deflate.
        let png = Data(base64Encoded: samplePNG) ?? Data()
        let path = folder.appendingPathComponent("s\(UUID().uuidString.prefix(8)).png").path
        try png.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func infoPrintsTheHeaderAsJSON() throws {
        let path = try ImagingCLITests.sample()
        let r = try CLIRun.run(["info", path])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == """
            {"width": 3, "height": 2, "bits": 8, "samples": 3, "photometric": "rgb", "compression": "deflate", \
            "tiled": false, "tile_width": null, "tile_height": null, "pages": 1, "pixel_size_um": 0.5, "format": "png"}

            """)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["width"] as? Int == 3)
    }

    @Test func convertRoundTripsPNGThroughTIFF() throws {
        let path = try ImagingCLITests.sample()
        let tiff = path + ".tif", back = path + ".back.png"
        for compression in ["lzw", "deflate", "none"] {
            let r = try CLIRun.run(["convert", path, tiff, "--compression", compression])
            #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
            let info = try CLIRun.run(["info", tiff])
            #expect(info.stdout.contains("\"compression\": \"\(compression)\""))
            #expect(info.stdout.contains("\"pixel_size_um\": 0.5"))
            #expect(info.stdout.contains("\"format\": \"tiff\""))
        }
        #expect(try CLIRun.run(["convert", tiff, back]).status == 0)
        #expect(try CLIRun.run(["convert", back, back + ".tif", "--compression", "none"]).status == 0)
        // An uncompressed TIFF from libtiff holds its one strip right after the 8-byte header.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: back + ".tif")))
        #expect(bytes.count > 26 && Array(bytes[8..<26]) == [200, 100, 50, 10, 20, 30, 255, 255, 255,
                                                             0, 0, 0, 128, 64, 32, 90, 180, 240])
    }

    @Test func runtimeErrorsAreOneLineAndExitOne() throws {
        let dir = ImagingCLITests.folder
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let junk = dir.appendingPathComponent("junk.tif").path
        try Data([0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]).write(to: URL(fileURLWithPath: junk))
        for arguments in [["info", junk], ["convert", junk, junk + ".png"], ["info", dir.path]] {
            let r = try CLIRun.run(arguments)
            #expect(r.status == 1, "\(arguments)")
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("stainshift \(arguments[0]): \(arguments[1]): "), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: junk + ".png"))
    }

    @Test func usageErrorsExit64() throws {
        let path = try ImagingCLITests.sample()
        #expect(try CLIRun.run(["convert", path, path + ".jpg"]).status == 64)
        #expect(try CLIRun.run(["convert", path, path + ".tif", "--compression", "jpeg"]).status == 64)
        #expect(try CLIRun.run(["info"]).status == 64)
        #expect(try CLIRun.run(["info", path, "--page", "-1"]).status == 64)
    }

    @Test func pageOutOfRangeIsARuntimeError() throws {
        let path = try ImagingCLITests.sample()
        let r = try CLIRun.run(["info", path, "--page", "3"])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift info: \(path): page 3 requested but a PNG has only page 0\n")
    }
}

/// 3 x 2 RGB PNG, pHYs 2,000,000 px/m, pixels (200,100,50) (10,20,30) (255,255,255) / (0,0,0) (128,64,32) (90,180,240).
let samplePNG = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAACXBIWXMAHoSAAB6EgAGMxOQ/AAAAG0lEQVR4nGM4kWLEJSL3//9/BiBocFCI2vIBAEi4B3ZDOryqAAAAAElFTkSuQmCC"
