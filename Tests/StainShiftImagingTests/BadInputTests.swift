import CTIFF
import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Broken and hostile files: each gives one clear FileError and nothing on stderr.
@Suite(.serialized) struct BadInputTests {
    /// Reads `path` expecting a FileError, and checks no C library wrote to stderr.
    /// (Lines from the test runner itself start with a non-ASCII symbol and are ignored.)
    @discardableResult
    func refused(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> FileError? {
        var caught: FileError?
        let leaked = capturingStderr {
            do {
                _ = try ImageReader.read(path, options: ReadOptions(threads: 2))
            } catch {
                caught = error as? FileError
            }
            _ = try? ImageReader.info(path)
            _ = try? ImageReader.readRegion(path, x: 0, y: 0, width: 2, height: 2)
        }
        let foreign = leaked.split(separator: "\n").filter { ($0.unicodeScalars.first?.isASCII ?? false) }
        #expect(foreign.isEmpty, "C library output leaked: \(foreign)", sourceLocation: sourceLocation)
        #expect(caught != nil, "\(path) was accepted", sourceLocation: sourceLocation)
        if let caught {
            #expect(caught.path == path, sourceLocation: sourceLocation)
            #expect(!caught.reason.isEmpty && !caught.reason.contains("\n"), sourceLocation: sourceLocation)
        }
        return caught
    }

    @Test func emptyMissingAndDirectory() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let empty = dir.path("empty.tif")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(refused(empty)?.reason == "file is empty (0 bytes)")
        #expect(refused(dir.path("missing.tif"))?.reason == "no such file")
        #expect(refused(dir.url.path)?.reason == "is a directory, not an image")
    }

    @Test func randomBytesWithAndWithoutSignatures() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        var generator = SystemRandomNumberGenerator()
        for (i, head) in [[UInt8](), [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A], [0x49, 0x49, 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00],
                          [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]].enumerated() {
            for size in [1, 7, 64, 4096] {
                let path = dir.path("random-\(i)-\(size).bin")
                let body = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(FileManager.default.createFile(atPath: path, contents: Data(head + body)))
                let error = refused(path)
                if head.isEmpty, let error { #expect(error.reason.contains("not a TIFF, PNG or JPEG") || error.reason.contains("invalid")) }
            }
        }
    }

    @Test func truncatedFilesAreRefusedAtEveryCut() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let tiff = dir.path("whole.tif"), tiled = dir.path("tiled.tif"), png = dir.path("whole.png")
        try writeTIFF([TIFFPage(width: 40, height: 30, compression: COMPRESSION_LZW, rowsPerStrip: 8,
                                samples: pattern(width: 40, height: 30, channels: 3))], to: tiff)
        try writeTIFF([TIFFPage(width: 40, height: 30, compression: COMPRESSION_JPEG, tile: (16, 16),
                                samples: pattern(width: 40, height: 30, channels: 3))], to: tiled)
        try PNGBuilder(width: 40, height: 30, samples: pattern(width: 40, height: 30, channels: 3).map(Int.init)).write(to: png)
        for source in [tiff, tiled, png] {
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            for fraction in [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
                let cut = max(1, Int(Double(data.count) * fraction))
                let path = dir.path("cut-\(cut)-" + URL(fileURLWithPath: source).lastPathComponent)
                #expect(FileManager.default.createFile(atPath: path, contents: data.prefix(cut)))
                refused(path)
            }
        }
    }

    /// A hand-made classic TIFF whose header declares 100000 x 100000 RGB pixels and one
    /// 8-byte strip: refused from the header, before any pixel buffer is allocated.
    @Test func hugeDeclaredSizeIsRefusedFromTheHeader() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("huge.tif")
        var bytes: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        let entries: [(UInt16, UInt16, UInt32, UInt32)] = [
            (256, 4, 1, 100_000), (257, 4, 1, 100_000), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
            (273, 4, 1, 200), (277, 3, 1, 3), (278, 4, 1, 100_000), (279, 4, 1, 8),
        ]
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        bytes += le16(UInt16(entries.count))
        for (tag, type, count, value) in entries { bytes += le16(tag) + le16(type) + le32(count) + le32(value) }
        bytes += le32(0)
        bytes += [UInt8](repeating: 0, count: 208 - bytes.count)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let error = refused(path)
        #expect(error?.reason == "100000 x 100000 pixels exceeds the limit of \(ReadOptions.defaultMaxPixels) pixels")
        #expect(try ImageReader.info(path).width == 100_000)
    }

    @Test func pngWithBrokenCRCIsRefused() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        var bytes = PNGBuilder(width: 4, height: 4, samples: pattern(width: 4, height: 4, channels: 3).map(Int.init)).encode()
        bytes[29] ^= 0xFF  // last byte of the IHDR CRC
        let path = dir.path("crc.png")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let error = refused(path)
        #expect(error?.reason.contains("CRC") == true)
    }

    @Test func zeroSizedImagesAreRefused() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("zero.png")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(PNGBuilder(width: 0, height: 4, samples: []).encode())))
        refused(path)
        let tiff = dir.path("zero.tif")
        var bytes: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 3, 0]
        for (tag, value) in [(256, 0), (257, 5), (258, 8)] as [(UInt16, UInt32)] {
            bytes += [UInt8(tag & 0xFF), UInt8(tag >> 8), 4, 0, 1, 0, 0, 0] + (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
        }
        bytes += [0, 0, 0, 0]
        #expect(FileManager.default.createFile(atPath: tiff, contents: Data(bytes)))
        refused(tiff)
    }

    @Test func unsupportedSampleFormatSaysSo() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("float.tif")
        try ImageWriter.writeTIFFFloat(width: 3, height: 2, values: [0, 1, 2, 3, 4, 5], to: path)
        #expect(refused(path)?.reason == "unsupported sample format: 32-bit floating-point (brightfield images are unsigned 8 or 16-bit)")
    }
}
