import CTIFF
import Foundation
import Testing
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
        #expect(throws: ImagingError.self) { try ImageWriter.writeTIFFFloat(width: 3, height: 3, values: [1, 2], to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    @Test func sixteenBitPNGRoundTrips() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("d.png")
        let image = RGBImage(width: 6, height: 4, samples: .uint16(pattern(width: 6, height: 4, channels: 3, max: 65535)))
        try ImageWriter.writePNG(image, to: path)
        #expect(try ImageReader.read(path).samples == image.samples)
    }
}
