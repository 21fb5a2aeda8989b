import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// PNG colour types and depths, interlacing, alpha over white and pHYs, from exact hand-built files.
@Suite struct PNGReaderTests {
    func read(_ png: PNGBuilder) throws -> RGBImage {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("p.png")
        try png.write(to: path)
        return try ImageReader.read(path)
    }

    let w = 11, h = 9

    @Test func rgbEightAndSixteenBitKeepTheirSamples() throws {
        let eight = pattern(width: w, height: h, channels: 3).map(Int.init)
        #expect(try read(PNGBuilder(width: w, height: h, samples: eight)).bytes == eight.map { UInt8($0) })
        let sixteen = pattern(width: w, height: h, channels: 3, max: 65535).map(Int.init)
        let image = try read(PNGBuilder(width: w, height: h, bitDepth: 16, samples: sixteen))
        #expect(image.bitDepth == 16)
        #expect(image.words == sixteen.map { UInt16($0) })
    }

    @Test func interlacedEqualsNonInterlaced() throws {
        for depth in [8, 16] {
            let samples = pattern(width: w, height: h, channels: 3, max: depth == 8 ? 255 : 65535).map(Int.init)
            let plain = try read(PNGBuilder(width: w, height: h, bitDepth: depth, samples: samples))
            let adam7 = try read(PNGBuilder(width: w, height: h, bitDepth: depth, interlaced: true, samples: samples))
            #expect(adam7 == plain)
        }
    }

    @Test func greyAndLowBitGreyAreExpandedToRGB() throws {
        let grey = pattern(width: w, height: h, channels: 1).map(Int.init)
        #expect(try read(PNGBuilder(width: w, height: h, colourType: 0, samples: grey)).bytes
                == grey.flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
        // 2-bit grey: 0, 1, 2, 3 scale to 0, 85, 170, 255.
        let two = (0..<(w * h)).map { $0 % 4 }
        #expect(try read(PNGBuilder(width: w, height: h, bitDepth: 2, colourType: 0, samples: two)).bytes
                == two.flatMap { [UInt8($0 * 85), UInt8($0 * 85), UInt8($0 * 85)] })
    }

    @Test func paletteWithTransparencyIsLookedUpAndCompositedOverWhite() throws {
        let palette: [UInt8] = [10, 20, 30, 200, 100, 0, 0, 0, 0]
        let indices = (0..<(w * h)).map { $0 % 3 }
        // Entry 1 half transparent, entry 2 fully transparent.
        let image = try read(PNGBuilder(width: w, height: h, bitDepth: 4, colourType: 3, palette: palette,
                                        transparency: [255, 128, 0], samples: indices))
        #expect(image.pixel(0, 0) == [10, 20, 30])
        #expect(image.pixel(1, 0) == [227, 177, 127])  // (c·128 + 255·127) / 255
        #expect(image.pixel(2, 0) == [255, 255, 255])
    }

    @Test func alphaIsCompositedOverWhite() throws {
        let rgba = [200, 100, 0, 0, 200, 100, 0, 128, 200, 100, 0, 255]
        let image = try read(PNGBuilder(width: 3, height: 1, colourType: 6, samples: rgba))
        #expect(image.pixel(0, 0) == [255, 255, 255])
        #expect(image.pixel(1, 0) == [227, 177, 127])
        #expect(image.pixel(2, 0) == [200, 100, 0])
        let greyAlpha = try read(PNGBuilder(width: 2, height: 1, colourType: 4, samples: [0, 0, 0, 255]))
        #expect(greyAlpha.bytes == [255, 255, 255, 0, 0, 0])
        // 16-bit: half-transparent black becomes mid grey at full precision.
        let deep = try read(PNGBuilder(width: 1, height: 1, bitDepth: 16, colourType: 6, samples: [0, 0, 0, 32768]))
        #expect(deep.words == [32767, 32767, 32767])
    }

    @Test func pHYsGivesThePixelSizeAndEditorDefaultsAreIgnored() throws {
        let samples = pattern(width: 4, height: 4, channels: 3).map(Int.init)
        // 2,000,000 px/m = 0.5 µm/px.
        #expect(try read(PNGBuilder(width: 4, height: 4, pixelsPerMetre: 2_000_000, samples: samples)).pixelSizeMicrons == 0.5)
        // 3780 px/m is 96 dpi, a display default rather than a calibration.
        #expect(try read(PNGBuilder(width: 4, height: 4, pixelsPerMetre: 3780, samples: samples)).pixelSizeMicrons == nil)
        #expect(try read(PNGBuilder(width: 4, height: 4, samples: samples)).pixelSizeMicrons == nil)
    }

    @Test func infoReadsTheHeaderOnly() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("i.png")
        try PNGBuilder(width: 5, height: 3, bitDepth: 16, colourType: 6, pixelsPerMetre: 4_000_000,
                       samples: [Int](repeating: 7, count: 60)).write(to: path)
        let info = try ImageReader.info(path)
        #expect(info == ImageInfo(format: .png, width: 5, height: 3, bitsPerSample: 16, samplesPerPixel: 4,
                                  photometric: "rgba", compression: "deflate", tiled: false, tileWidth: nil,
                                  tileHeight: nil, pages: 1, pixelSizeMicrons: 0.25))
        #expect(throws: FileError(path: path, reason: "page 1 requested but a PNG has only page 0")) {
            try ImageReader.info(path, page: 1)
        }
    }

    @Test func samplePNGOfScikitImageReads() throws {
        let path = Validation.folder.appendingPathComponent("skimage-ihc.png").path
        try #require(FileManager.default.fileExists(atPath: path) || !Validation.available)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let image = try ImageReader.read(path)
        #expect(image.width == 512 && image.height == 512 && image.bitDepth == 8)
    }
}
