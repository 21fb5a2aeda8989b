import CTIFF
import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Region reads decode only the covering strips/tiles and equal the same rectangle of a whole read.
@Suite struct RegionReadTests {
    static let rects: [(Int, Int, Int, Int)] = [(0, 0, 1, 1), (5, 7, 20, 11), (16, 16, 16, 16), (15, 15, 3, 3),
                                                (0, 0, 45, 33), (44, 32, 1, 1), (0, 10, 45, 5), (30, 0, 15, 33)]

    static let pages: [(String, TIFFPage)] = {
        let w = 45, h = 33
        let rgb = pattern(width: w, height: h, channels: 3)
        return [
            ("strips", TIFFPage(width: w, height: h, compression: COMPRESSION_LZW, rowsPerStrip: 4, samples: rgb)),
            ("tiles", TIFFPage(width: w, height: h, compression: COMPRESSION_ADOBE_DEFLATE, tile: (16, 16), samples: rgb)),
            ("planar tiles", TIFFPage(width: w, height: h, planar: true, tile: (16, 16), samples: rgb)),
            ("16-bit", TIFFPage(width: w, height: h, bitsPerSample: 16, tile: (16, 16),
                                samples: pattern(width: w, height: h, channels: 3, max: 65535))),
            ("jpeg tiles", TIFFPage(width: w, height: h, compression: COMPRESSION_JPEG, tile: (16, 16), samples: rgb)),
            ("palette", TIFFPage(width: w, height: h, samplesPerPixel: 1, photometric: PHOTOMETRIC_PALETTE,
                                 colormap: (0..<768).map { UInt16($0 * 85) }, samples: pattern(width: w, height: h, channels: 1))),
            ("rotated", TIFFPage(width: w, height: h, tile: (16, 16), orientation: 6, samples: rgb)),
            ("4-bit grey (RGBA interface)", TIFFPage(width: 8, height: 6, samplesPerPixel: 1, bitsPerSample: 4,
                                                     photometric: PHOTOMETRIC_MINISBLACK, rowsPerStrip: 2,
                                                     samples: (0..<24).map { UInt16(($0 * 37) % 256) })),
        ]
    }()

    @Test func regionsEqualTheSameRectangleOfAWholeRead() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        for (name, page) in RegionReadTests.pages {
            let path = dir.path("\(name).tif")
            try writeTIFF([page], to: path)
            let whole = try ImageReader.read(path, options: ReadOptions(threads: 1))
            for (x, y, w, h) in RegionReadTests.rects where x + w <= whole.width && y + h <= whole.height {
                for threads in [1, 2] {
                    let region = try ImageReader.readRegion(path, x: x, y: y, width: w, height: h,
                                                            options: ReadOptions(threads: threads))
                    let expected = whole.cropped(to: PixelRect(x: x, y: y, width: w, height: h))
                    #expect(region == expected, "\(name) \(x),\(y) \(w)x\(h) threads \(threads)")
                }
            }
        }
    }

    @Test func wholeReadsAreIdenticalWhateverTheThreadCount() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        for (name, page) in RegionReadTests.pages {
            let path = dir.path("\(name).tif")
            try writeTIFF([page], to: path)
            let one = try ImageReader.read(path, options: ReadOptions(threads: 1))
            for threads in [2, 3, 8] {
                #expect(try ImageReader.read(path, options: ReadOptions(threads: threads)) == one, "\(name) \(threads)")
            }
        }
    }

    @Test func regionsOutsideTheImageOrOverBudgetAreRefused() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("t.tif")
        try writeTIFF([RegionReadTests.pages[1].1], to: path)
        #expect(throws: FileError(path: path, reason: "region 10 x 10 at (40, 0) lies outside the 45 x 33 image")) {
            try ImageReader.readRegion(path, x: 40, y: 0, width: 10, height: 10)
        }
        #expect(throws: FileError(path: path, reason: "region 0 x 5 is empty")) {
            try ImageReader.readRegion(path, x: 0, y: 0, width: 0, height: 5)
        }
        #expect(throws: FileError(path: path, reason: "region of 20 x 20 pixels exceeds the limit of 100 pixels")) {
            try ImageReader.readRegion(path, x: 0, y: 0, width: 20, height: 20, options: ReadOptions(maxPixels: 100))
        }
        #expect(throws: FileError(path: path, reason: "45 x 33 pixels exceeds the limit of 1000 pixels")) {
            try ImageReader.read(path, options: ReadOptions(maxPixels: 1000))
        }
        // A small window of a large image fits a small budget.
        #expect(try ImageReader.readRegion(path, x: 3, y: 3, width: 10, height: 10, options: ReadOptions(maxPixels: 100)).width == 10)
    }

    @Test func pngRegionsAreCutFromTheWholeImage() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = dir.path("r.png")
        let png = PNGBuilder(width: 9, height: 7, samples: pattern(width: 9, height: 7, channels: 3).map(Int.init))
        try png.write(to: path)
        let whole = try ImageReader.read(path)
        let region = try ImageReader.readRegion(path, x: 2, y: 3, width: 5, height: 4)
        #expect(region == whole.cropped(to: PixelRect(x: 2, y: 3, width: 5, height: 4)))
        #expect(region.pixel(0, 0) == whole.pixel(2, 3))
    }
}
