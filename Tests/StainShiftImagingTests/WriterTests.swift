import CTIFF
import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// The TIFF and PNG writers round-trip through the readers (and through libtiff directly).
@Suite struct WriterTests {
    @Test(arguments: TIFFCompression.allCases)
    func rgbTIFFRoundTrips(_ compression: TIFFCompression) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let eight = RGBImage(width: 33, height: 70, samples: .uint8(pattern(width: 33, height: 70, channels: 3).map { UInt8($0) }),
                             pixelSizeMicrons: 0.25)
        let path = dir.path("a.tif")
        try ImageWriter.writeTIFF(eight, to: path, compression: compression)
        let back = try ImageReader.read(path)
        #expect(back.samples == eight.samples)
        #expect(abs((back.pixelSizeMicrons ?? 0) - 0.25) < 1e-6)
        let info = try ImageReader.info(path)
        #expect(info.compression == (compression == .none ? "none" : compression.rawValue))
        let sixteen = RGBImage(width: 20, height: 9, samples: .uint16(pattern(width: 20, height: 9, channels: 3, max: 65535)))
        try ImageWriter.writeTIFF(sixteen, to: path, compression: compression)
        #expect(try ImageReader.read(path).samples == sixteen.samples)
    }

    @Test(arguments: [TIFFCompression.deflate, .none, .lzw])
    func floatTIFFHoldsExactValues(_ compression: TIFFCompression) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("od.tif")
        let values: [Float] = (0..<(17 * 5)).map { Float($0) * 0.013 - 0.2 } + []
        try ImageWriter.writeTIFFFloat(width: 17, height: 5, values: values, to: path, compression: compression)
        // Read back with libtiff directly: 32-bit IEEE float, one sample.
        let diagnostics = UnsafeMutablePointer<sstiff_diagnostics>.allocate(capacity: 1)
        diagnostics.initialize(to: sstiff_diagnostics())
        defer { diagnostics.deallocate() }
        let tif = try #require(sstiff_open(path, "r", diagnostics, 0))
        defer { TIFFClose(tif) }
        var bits: UInt16 = 0, format: UInt16 = 0, samples: UInt16 = 0
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_BITSPERSAMPLE), &bits)
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLEFORMAT), &format)
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), &samples)
        #expect(bits == 32 && Int32(format) == SAMPLEFORMAT_IEEEFP && samples == 1)
        var back = [Float](repeating: .nan, count: 17)
        for row in 0..<5 {
            _ = back.withUnsafeMutableBytes { TIFFReadScanline(tif, $0.baseAddress, UInt32(row), 0) }
            #expect(back == Array(values[(row * 17)..<((row + 1) * 17)]))
        }
    }

    @Test func writersRefuseMismatchedBuffersAndLeaveNoFile() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("bad.tif")
        #expect(throws: FileError.self) { try ImageWriter.writeTIFFFloat(width: 3, height: 3, values: [1, 2], to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    /// The streaming writer gives the same pixels as the one-piece writer, in any band sizes; an
    /// unfinished stream (abandoned, released, or short of rows) leaves no file behind.
    @Test func floatStreamMatchesTheOnePieceWriterAndCleansUp() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let (w, h) = (23, 41)
        let values: [Float] = (0..<(w * h)).map { Float($0 % 97) * 0.011 - 0.3 }
        try ImageWriter.writeTIFFFloat(width: w, height: h, values: values, to: dir.path("whole.tif"), pixelSizeMicrons: 0.5)
        for bands in [[41], [1, 40], [7, 7, 7, 7, 7, 6]] {
            let path = dir.path("stream\(bands.count).tif")
            let stream = try FloatTIFFStream(path: path, width: w, height: h, pixelSizeMicrons: 0.5)
            var y = 0
            try values.withUnsafeBufferPointer { v in
                for rows in bands {
                    #expect(!FileManager.default.fileExists(atPath: path))
                    try stream.append(rows: rows, from: v.baseAddress! + y * w)
                    y += rows
                }
            }
            try stream.finish()
            #expect(try ImageReader.readFloatTIFF(path) == FloatPlane(width: w, height: h, values: values))
        }
        // Too many rows, too few rows, abandoned, released: no file, no temporary.
        let extra = try FloatTIFFStream(path: dir.path("x.tif"), width: w, height: h, pixelSizeMicrons: nil)
        try values.withUnsafeBufferPointer { v in
            #expect(throws: FileError.self) { try extra.append(rows: h + 1, from: v.baseAddress!) }
            let short = try FloatTIFFStream(path: dir.path("short.tif"), width: w, height: h, pixelSizeMicrons: nil)
            try short.append(rows: 3, from: v.baseAddress!)
            #expect(throws: FileError.self) { try short.finish() }
        }
        extra.abandon()
        do { _ = try FloatTIFFStream(path: dir.path("released.tif"), width: w, height: h, pixelSizeMicrons: nil) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
        #expect(left == ["stream1.tif", "stream2.tif", "stream6.tif", "whole.tif"])
    }

    /// The RGB and pyramid streams share the float stream's file handling (`PendingTIFF`): a
    /// finished stream is moved into place, an unfinished one (short, abandoned, released) leaves
    /// no file, no temporary and no pyramid level behind.
    @Test func rgbAndPyramidStreamsLeaveNothingUnlessFinished() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let (w, h) = (300, 270)
        let row = [UInt8]((0..<(3 * w)).map { UInt8($0 % 251) })
        func fill(_ append: (UnsafeBufferPointer<UInt8>) throws(FileError) -> Void, rows: Int) throws {
            for _ in 0..<rows { try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try append(b) } }
        }
        let rgb = try RGBTIFFStream(path: dir.path("rgb.tif"), width: w, height: h, pixelSizeMicrons: 0.5)
        try fill(rgb.append(row:), rows: h)
        try rgb.finish()
        let pyramid = try PyramidTIFFStream(path: dir.path("pyramid.tif"), width: 1024, height: 1024, pixelSizeMicrons: 0.5, downsamples: [4])
        try pyramid.appendGlass(rows: 1024)
        try pyramid.finish()
        #expect(try ImageReader.info(dir.path("rgb.tif")).width == w)
        #expect(try ImageReader.info(dir.path("pyramid.tif")).width == 1024)

        let short = try RGBTIFFStream(path: dir.path("short.tif"), width: w, height: h, pixelSizeMicrons: nil)
        try fill(short.append(row:), rows: 3)
        do { try short.finish(); Issue.record("a short RGB stream finished") } catch {
            #expect(error.path == dir.path("short.tif") && error.reason == "only 3 of \(h) rows written", "\(error)")
        }
        let shortPyramid = try PyramidTIFFStream(path: dir.path("short-pyramid.tif"), width: 1024, height: 1024, pixelSizeMicrons: nil)
        try shortPyramid.appendGlass(rows: 10)
        #expect(throws: FileError.self) { try shortPyramid.finish() }
        let abandoned = try PyramidTIFFStream(path: dir.path("abandoned.tif"), width: 1024, height: 1024, pixelSizeMicrons: nil)
        try abandoned.appendGlass(rows: 300)
        abandoned.abandon()
        try abandoned.finish()   // nothing left to finish: no file appears
        do { _ = try PyramidTIFFStream(path: dir.path("released.tif"), width: 1024, height: 1024, pixelSizeMicrons: nil) }
        do { _ = try RGBTIFFStream(path: dir.path("released-rgb.tif"), width: w, height: h, pixelSizeMicrons: nil) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
        #expect(left == ["pyramid.tif", "rgb.tif"])
    }

    /// The float reader refuses what is not a float plane, and sizes over its limit.
    @Test func floatReaderRefusesOtherTIFFsAndHugeSizes() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let rgb = RGBImage(width: 4, height: 4, samples: .uint8([UInt8](repeating: 9, count: 48)))
        try ImageWriter.writeTIFF(rgb, to: dir.path("rgb.tif"))
        #expect(throws: FileError.self) { try ImageReader.readFloatTIFF(dir.path("rgb.tif")) }
        try ImageWriter.writeTIFFFloat(width: 5, height: 4, values: [Float](repeating: 0.5, count: 20), to: dir.path("f.tif"))
        #expect(throws: FileError(path: dir.path("f.tif"), reason: "5 x 4 pixels exceeds the limit of 19 pixels")) {
            try ImageReader.readFloatTIFF(dir.path("f.tif"), maxPixels: 19)
        }
        #expect(try ImageReader.readFloatTIFF(dir.path("f.tif")).values == [Float](repeating: 0.5, count: 20))
        #expect(throws: FileError.self) { try ImageReader.readFloatTIFF(dir.path("f.tif"), page: 1) }
    }

    /// Rows per strip of what the writers made; nil for PNGs and missing files.
    @Test func rowsPerStripOfStrippedTIFFs() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let image = RGBImage(width: 100, height: 600, samples: .uint8([UInt8](repeating: 200, count: 100 * 600 * 3)))
        try ImageWriter.writeTIFF(image, to: dir.path("a.tif"))
        try ImageWriter.writePNG(image, to: dir.path("a.png"))
        #expect(ImageReader.rowsPerStrip(dir.path("a.tif")) == (64 << 10) / 300)
        #expect(ImageReader.rowsPerStrip(dir.path("a.tif"), page: 1) == nil)
        #expect(ImageReader.rowsPerStrip(dir.path("a.png")) == nil)
        #expect(ImageReader.rowsPerStrip(dir.path("missing.tif")) == nil)
    }

    @Test func sixteenBitPNGRoundTrips() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("d.png")
        let image = RGBImage(width: 6, height: 4, samples: .uint16(pattern(width: 6, height: 4, channels: 3, max: 65535)))
        try ImageWriter.writePNG(image, to: path)
        #expect(try ImageReader.read(path).samples == image.samples)
    }

    /// Text files are written whole or not at all, and a failure gives the system's reason.
    @Test func atomicFileWritesWholeOrNothing() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("a.json")
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        try AtomicFile.write(Data(), to: dir.path("empty.tsv"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("empty.tsv"))).isEmpty)
        let missing = dir.url.path + "/no-such-folder/x.json"
        let error = try #require(throws: FileError.self) { try AtomicFile.write("x", to: missing) }
        #expect(error.path == missing && error.reason == "cannot write: No such file or directory")
        // Nothing else was left behind: no temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["a.json", "empty.tsv"])
    }
}
