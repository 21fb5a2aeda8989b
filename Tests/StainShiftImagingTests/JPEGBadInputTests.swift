import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Broken and unsupported JPEG files: each gives one FileError naming the file, the process
/// survives libjpeg's fatal errors, and nothing reaches stderr.
@Suite(.serialized) struct JPEGBadInputTests {
    /// Reads `bytes` (written to `name`) through `read`, `readRegion` and `info`, expecting `read`
    /// to refuse; returns the reason.
    func refused(_ bytes: [UInt8], _ name: String, in dir: Scratch,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let path = dir.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var caught: FileError?
        let leaked = capturingStderr {
            do { _ = try ImageReader.read(path, options: ReadOptions(threads: 2)) } catch { caught = error as? FileError }
            _ = try? ImageReader.info(path)
            _ = try? ImageReader.readRegion(path, x: 0, y: 0, width: 2, height: 2)
        }
        let foreign = leaked.split(separator: "\n").filter { $0.unicodeScalars.first?.isASCII ?? false }
        #expect(foreign.isEmpty, "C library output leaked: \(foreign)", sourceLocation: sourceLocation)
        #expect(caught != nil, "\(name) was accepted", sourceLocation: sourceLocation)
        guard let caught else { return nil }
        #expect(caught.path == path && caught.description == "\(path): \(caught.reason)", sourceLocation: sourceLocation)
        #expect(!caught.reason.isEmpty && !caught.reason.contains("\n"), sourceLocation: sourceLocation)
        return caught.reason
    }

    static let smooth = JPEGBuilder.smooth(width: 64, height: 48)

    @Test func emptyFileAndBareMarkers() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        #expect(try refused([], "empty.jpg", in: dir) == "file is empty (0 bytes)")
        #expect(try refused([0xFF, 0xD8, 0xFF], "soi.jpg", in: dir) == "invalid JPEG: file ends early (truncated)")
        #expect(try refused([0xFF, 0xD8, 0xFF, 0xD9], "eoi.jpg", in: dir) == "invalid JPEG: JPEG datastream contains no image")
        #expect(try refused(Array("a.jpg is text".utf8), "text.jpg", in: dir) == "not a TIFF, PNG or JPEG file (unrecognised signature)")
    }

    /// Cut anywhere, from inside the header to the missing final EOI marker, a baseline or
    /// progressive file is refused as truncated instead of decoding with grey rows.
    @Test(arguments: [false, true]) func truncatedFilesAreRefusedAtEveryCut(progressive: Bool) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let bytes = try JPEGBuilder(width: 64, height: 48, progressive: progressive, samples: Self.smooth).encode()
        let scan = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        var cuts = [4, 20, scan - 3, scan + 6, bytes.count - 2, bytes.count - 1]
        cuts += [0.3, 0.5, 0.7, 0.9, 0.97].map { Int(Double(bytes.count) * $0) }
        for cut in cuts {
            #expect(try refused(Array(bytes.prefix(cut)), "cut-\(cut).jpg", in: dir) == "invalid JPEG: file ends early (truncated)",
                    "cut at \(cut) of \(bytes.count)")
        }
        #expect(try ImageReader.read(try writeWhole(bytes, in: dir)).width == 64)  // the uncut file is fine
    }

    func writeWhole(_ bytes: [UInt8], in dir: Scratch) throws -> String {
        let path = dir.path("whole.jpg")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func cmykIsRefusedButDescribed() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let cmyk = (0..<(32 * 16 * 4)).map { UInt8(($0 * 7) % 256) }
        let bytes = try JPEGBuilder(width: 32, height: 16, components: 4, samples: cmyk).encode()
        #expect(try refused(bytes, "cmyk.jpg", in: dir) == "CMYK JPEG is not supported")
        let info = try ImageReader.info(dir.path("cmyk.jpg"))
        #expect(info.samplesPerPixel == 4 && info.photometric == "cmyk")
    }

    @Test func twelveBitPrecisionIsRefused() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let bytes = try JPEGBuilder(width: 64, height: 48, samples: Self.smooth).encode()
        #expect(try refused(JPEGSurgery.patchingFrame(bytes, precision: 12), "p12.jpg", in: dir) == "12-bit JPEG is not supported (8-bit only)")
        #expect(try refused(JPEGSurgery.patchingFrame(bytes, precision: 16), "p16.jpg", in: dir) == "16-bit JPEG is not supported (8-bit only)")
    }

    /// A frame header declaring 60000 x 60000 (3.6 gigapixels) over a 64 x 48 scan: the size
    /// error (not a truncation, which decoding would meet) shows it was refused from the header,
    /// before the 10.8 GB pixel buffer was allocated. `info` still reports the declared size.
    @Test func hugeDeclaredSizeIsRefusedFromTheHeader() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let bytes = try JPEGBuilder(width: 64, height: 48, samples: Self.smooth).encode()
        let start = Date()
        #expect(try refused(JPEGSurgery.patchingFrame(bytes, width: 60000, height: 60000), "huge.jpg", in: dir)
                == "60000 x 60000 pixels exceeds the limit of \(ReadOptions.defaultMaxPixels) pixels")
        #expect(Date().timeIntervalSince(start) < 5)
        let info = try ImageReader.info(dir.path("huge.jpg"))
        #expect(info.width == 60000 && info.height == 60000)
        // Zero height (a DNL-defined height, which libjpeg does not support) is refused too.
        #expect(try refused(JPEGSurgery.patchingFrame(bytes, height: 0), "zero.jpg", in: dir) != nil)
    }

    /// Random byte changes anywhere in baseline and progressive files: never a crash, a hang or
    /// stderr output; either an error naming the file or an image of the declared size.
    @Test(arguments: [false, true]) func randomCorruptionIsContained(progressive: Bool) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let bytes = try JPEGBuilder(width: 64, height: 48, progressive: progressive, samples: Self.smooth).encode()
        var state: UInt64 = progressive ? 0x9E37_79B9_7F4A_7C15 : 0xD1B5_4A32_D192_ED03
        func next() -> Int {  // xorshift64*: the same files on every run
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33)
        }
        var refusals = 0
        for trial in 0..<60 {
            var b = bytes
            for _ in 0..<(1 + trial % 4) { b[2 + next() % (b.count - 2)] = UInt8(next() % 256) }
            let path = dir.path("corrupt-\(trial).jpg")
            try Data(b).write(to: URL(fileURLWithPath: path))
            let leaked = capturingStderr {
                do {
                    let image = try ImageReader.read(path)
                    let info = try ImageReader.info(path)
                    #expect(image.width == info.width && image.height == info.height)
                } catch {
                    refusals += 1
                    let e = error as? FileError
                    #expect(e?.path == path && e?.reason.contains("\n") == false, "\(error)")
                }
            }
            #expect(leaked.split(separator: "\n").allSatisfy { !($0.unicodeScalars.first?.isASCII ?? false) }, "\(leaked)")
        }
        #expect(refusals > 0)
    }
}
