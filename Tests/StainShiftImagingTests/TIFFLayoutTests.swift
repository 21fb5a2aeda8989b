import CTIFF
import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Every TIFF layout StainShift reads, written with libtiff directly, read back to known pixels.
@Suite struct TIFFLayoutTests {
    let w = 37, h = 29  // odd sizes: partial last strips and edge tiles

    func roundTrip(_ page: TIFFPage, mode: String = "w", options: ReadOptions = ReadOptions()) throws -> RGBImage {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("t.tif")
        try writeTIFF([page], to: path, mode: mode)
        return try ImageReader.read(path, options: options)
    }

    @Test(arguments: [COMPRESSION_NONE, COMPRESSION_LZW, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_PACKBITS])
    func rgb8StripsKeepEverySampleWhateverTheCompression(_ compression: Int32) throws {
        let samples = pattern(width: w, height: h, channels: 3)
        let image = try roundTrip(TIFFPage(width: w, height: h, compression: compression, samples: samples))
        #expect(image.width == w && image.height == h)
        #expect(image.bytes == samples.map { UInt8($0) })
    }

    @Test(arguments: [1, 2])
    func tiledAndPlanarLayoutsGiveTheSamePixels(_ threads: Int) throws {
        let samples = pattern(width: w, height: h, channels: 3)
        let expected = samples.map { UInt8($0) }
        let layouts = [
            TIFFPage(width: w, height: h, compression: COMPRESSION_LZW, tile: (16, 16), samples: samples),
            TIFFPage(width: w, height: h, compression: COMPRESSION_ADOBE_DEFLATE, planar: true, samples: samples),
            TIFFPage(width: w, height: h, planar: true, tile: (16, 32), samples: samples),
        ]
        for page in layouts {
            let image = try roundTrip(page, options: ReadOptions(threads: threads))
            #expect(image.bytes == expected, "tile \(String(describing: page.tile)) planar \(page.planar)")
        }
    }

    @Test func bigTIFFReadsLikeClassic() throws {
        let samples = pattern(width: w, height: h, channels: 3)
        let image = try roundTrip(TIFFPage(width: w, height: h, compression: COMPRESSION_LZW, samples: samples), mode: "w8")
        #expect(image.bytes == samples.map { UInt8($0) })
    }

    @Test func sixteenBitStaysSixteenBit() throws {
        let samples = pattern(width: w, height: h, channels: 3, max: 65535)
        for page in [TIFFPage(width: w, height: h, bitsPerSample: 16, compression: COMPRESSION_LZW, samples: samples),
                     TIFFPage(width: w, height: h, bitsPerSample: 16, planar: true, tile: (16, 16), samples: samples)] {
            let image = try roundTrip(page)
            #expect(image.bitDepth == 16)
            #expect(image.words == samples)
        }
    }

    @Test func greyIsReplicatedAndMinIsWhiteInverted() throws {
        let grey = pattern(width: w, height: h, channels: 1)
        let black = try roundTrip(TIFFPage(width: w, height: h, samplesPerPixel: 1, photometric: PHOTOMETRIC_MINISBLACK, samples: grey))
        #expect(black.bytes == grey.flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
        let white = try roundTrip(TIFFPage(width: w, height: h, samplesPerPixel: 1, photometric: PHOTOMETRIC_MINISWHITE, samples: grey))
        #expect(white.bytes == grey.flatMap { [255 - UInt8($0), 255 - UInt8($0), 255 - UInt8($0)] })
        let grey16 = pattern(width: w, height: h, channels: 1, max: 65535)
        let deep = try roundTrip(TIFFPage(width: w, height: h, samplesPerPixel: 1, bitsPerSample: 16,
                                          photometric: PHOTOMETRIC_MINISBLACK, samples: grey16))
        #expect(deep.words == grey16.flatMap { [$0, $0, $0] })
    }

    @Test func paletteLooksUpTheColourMap() throws {
        let indices = pattern(width: w, height: h, channels: 1)
        let map = (0..<768).map { UInt16((($0 * 97) % 256) * 257) }
        let image = try roundTrip(TIFFPage(width: w, height: h, samplesPerPixel: 1, photometric: PHOTOMETRIC_PALETTE,
                                           colormap: map, samples: indices))
        let expected = indices.flatMap { i in (0..<3).map { c in UInt8(map[c * 256 + Int(i)] >> 8) } }
        #expect(image.bytes == expected)
    }

    @Test func fourBitPaletteGoesThroughTheRGBAInterface() throws {
        // 4 x 2 pixels, indices 0..7 packed two per byte; colour map of 16 entries.
        let rows: [UInt16] = [0x01, 0x23, 0x45, 0x67]
        let map = (0..<48).map { UInt16(($0 * 5) * 257) }
        let image = try roundTrip(TIFFPage(width: 4, height: 2, samplesPerPixel: 1, bitsPerSample: 4,
                                           photometric: PHOTOMETRIC_PALETTE, rowsPerStrip: 2, colormap: map, samples: rows))
        for i in 0..<8 {
            #expect(image.pixel(i % 4, i / 4) == [i * 5, (16 + i) * 5, (32 + i) * 5])
        }
    }

    @Test func oneBitBilevelIsBlackAndWhite() throws {
        let rows: [UInt16] = [0b1010_0000, 0b0101_0000]
        let image = try roundTrip(TIFFPage(width: 4, height: 2, samplesPerPixel: 1, bitsPerSample: 1,
                                           photometric: PHOTOMETRIC_MINISBLACK, rowsPerStrip: 2, samples: rows))
        #expect(image.pixel(0, 0) == [255, 255, 255])
        #expect(image.pixel(1, 0) == [0, 0, 0])
        #expect(image.pixel(0, 1) == [0, 0, 0])
        #expect(image.pixel(1, 1) == [255, 255, 255])
    }

    @Test func alphaIsCompositedOverWhite() throws {
        // One pixel per alpha case: colour (200, 100, 0) at alpha 0, 128, 255.
        let rgba: [UInt16] = [200, 100, 0, 0, 200, 100, 0, 128, 200, 100, 0, 255]
        let unassociated = try roundTrip(TIFFPage(width: 3, height: 1, samplesPerPixel: 4,
                                                  extraSamples: [UInt16(EXTRASAMPLE_UNASSALPHA)], samples: rgba))
        #expect(unassociated.pixel(0, 0) == [255, 255, 255])
        // (c·128 + 255·127) / 255, rounded
        #expect(unassociated.pixel(1, 0) == [227, 177, 127])
        #expect(unassociated.pixel(2, 0) == [200, 100, 0])
        // Premultiplied: colour + (255 − alpha).
        let premultiplied: [UInt16] = [100, 50, 0, 128]
        let associated = try roundTrip(TIFFPage(width: 1, height: 1, samplesPerPixel: 4,
                                                extraSamples: [UInt16(EXTRASAMPLE_ASSOCALPHA)], samples: premultiplied))
        #expect(associated.pixel(0, 0) == [227, 177, 127])
        let greyAlpha = try roundTrip(TIFFPage(width: 2, height: 1, samplesPerPixel: 2, photometric: PHOTOMETRIC_MINISBLACK,
                                               extraSamples: [UInt16(EXTRASAMPLE_UNASSALPHA)], samples: [0, 0, 0, 255]))
        #expect(greyAlpha.pixel(0, 0) == [255, 255, 255] && greyAlpha.pixel(1, 0) == [0, 0, 0])
    }

    /// A smooth image so JPEG error is small; returns mean absolute error against it.
    func jpegError(_ page: (inout TIFFPage) -> Void) throws -> Double {
        let width = 64, height = 48
        var samples: [UInt16] = []
        for y in 0..<height { for x in 0..<width { samples += [UInt16(40 + 2 * x), UInt16(60 + 3 * y), UInt16(180 - x)] } }
        var p = TIFFPage(width: width, height: height, compression: COMPRESSION_JPEG, rowsPerStrip: 16, samples: samples)
        page(&p)
        let image = try roundTrip(p)
        let bytes = image.bytes
        #expect(bytes.count == samples.count)
        guard bytes.count == samples.count else { return .infinity }
        return zip(bytes, samples).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(samples.count)
    }

    @Test func jpegRGBAndYCbCrDecodeToTheRightColours() throws {
        #expect(try jpegError { _ in } < 3)                                       // Photometric RGB, raw RGB JPEG
        #expect(try jpegError { $0.tile = (16, 16) } < 3)                         // tiled
        #expect(try jpegError { $0.photometric = PHOTOMETRIC_YCBCR; $0.jpegColourModeRGB = true } < 3)  // YCbCr 2x2
        #expect(try jpegError { $0.photometric = PHOTOMETRIC_YCBCR; $0.jpegColourModeRGB = true; $0.tile = (16, 16) } < 3)
    }

    @Test func multiPageReadsTheRequestedPage() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("pages.tif")
        let first = pattern(width: w, height: h, channels: 3), second = pattern(width: 5, height: 4, channels: 3, seed: 9)
        try writeTIFF([TIFFPage(width: w, height: h, samples: first),
                       TIFFPage(width: 5, height: 4, compression: COMPRESSION_LZW, samples: second)], to: path)
        #expect(try ImageReader.read(path).bytes == first.map { UInt8($0) })
        #expect(try ImageReader.read(path, options: ReadOptions(page: 1)).bytes == second.map { UInt8($0) })
        #expect(try ImageReader.info(path, page: 1).pages == 2)
        #expect(try ImageReader.info(path, page: 1).width == 5)
        #expect(throws: FileError(path: path, reason: "page 2 requested but the file has 2 pages")) {
            try ImageReader.read(path, options: ReadOptions(page: 2))
        }
    }

    /// Stored 3 x 2 image a b c / d e f (pixel value = grey level 10...60) and how each
    /// orientation displays it (TIFF 6.0, Orientation).
    @Test(arguments: [
        (1, 3, [10, 20, 30, 40, 50, 60]),
        (2, 3, [30, 20, 10, 60, 50, 40]),
        (3, 3, [60, 50, 40, 30, 20, 10]),
        (4, 3, [40, 50, 60, 10, 20, 30]),
        (5, 2, [10, 40, 20, 50, 30, 60]),
        (6, 2, [40, 10, 50, 20, 60, 30]),
        (7, 2, [60, 30, 50, 20, 40, 10]),
        (8, 2, [30, 60, 20, 50, 10, 40]),
    ])
    func orientationIsApplied(_ orientation: Int, _ displayedWidth: Int, _ expected: [Int]) throws {
        let page = TIFFPage(width: 3, height: 2, samplesPerPixel: 1, photometric: PHOTOMETRIC_MINISBLACK,
                            orientation: orientation, samples: [10, 20, 30, 40, 50, 60])
        let image = try roundTrip(page)
        #expect(image.width == displayedWidth)
        #expect((0..<6).map { image.pixel($0 % displayedWidth, $0 / displayedWidth)[0] } == expected)
    }

    @Test func unsupportedSampleFormatsAreRefused() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        for (format, bits, words) in [(SAMPLEFORMAT_IEEEFP, 32, "floating-point"), (SAMPLEFORMAT_INT, 32, "signed integer"),
                                      (SAMPLEFORMAT_UINT, 32, "32-bit unsigned")] {
            let path = dir.path("f\(format)-\(bits).tif")
            // Written as 8-bit values into a 32-bit container: only the header matters here.
            try writeRawHeaderTIFF(path: path, width: 4, height: 4, bits: bits, sampleFormat: format)
            let error = #expect(throws: FileError.self) { try ImageReader.read(path) }
            #expect(error?.reason.contains("unsupported sample format") == true)
            #expect(error?.reason.contains(words) == true)
        }
    }
}

/// A tiny uncompressed one-sample TIFF with the given bits and SampleFormat, zero data.
func writeRawHeaderTIFF(path: String, width: Int, height: Int, bits: Int, sampleFormat: Int32) throws {
    let diagnostics = UnsafeMutablePointer<sstiff_diagnostics>.allocate(capacity: 1)
    diagnostics.initialize(to: sstiff_diagnostics())
    defer { diagnostics.deallocate() }
    guard let tif = sstiff_open(path, "w", diagnostics, 0) else { throw FixtureError.libtiff("open") }
    _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
    _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
    _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1)
    _ = sstiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(bits))
    _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(sampleFormat))
    _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK))
    _ = sstiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(height))
    var data = [UInt8](repeating: 0, count: width * height * bits / 8)
    _ = data.withUnsafeMutableBytes { TIFFWriteEncodedStrip(tif, 0, $0.baseAddress, tmsize_t($0.count)) }
    TIFFClose(tif)
}
