import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Good JPEG files: baseline, progressive, grey, EXIF orientations, camera-sized, through
/// `read`, `readRegion` and `info`, against the pixels they were encoded from.
@Suite struct JPEGReaderTests {
    func write(_ bytes: [UInt8], _ name: String, in dir: Scratch) throws -> String {
        let path = dir.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [false, true]) func baselineAndProgressiveDecodeCloseToTheSource(progressive: Bool) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let source = JPEGBuilder.smooth(width: 203, height: 117)  // not a multiple of the 16-pixel MCU
        let bytes = try JPEGBuilder(width: 203, height: 117, progressive: progressive, samples: source).encode()
        let path = try write(bytes, progressive ? "p.jpg" : "b.jpeg", in: dir)
        let image = try ImageReader.read(path)
        #expect(image.width == 203 && image.height == 117 && image.bitDepth == 8)
        #expect(image.pixelSizeMicrons == nil)
        #expect(image.meanAbsoluteError(from: source) < 3)
        let info = try ImageReader.info(path)
        #expect(info == ImageInfo(format: .jpeg, width: 203, height: 117, bitsPerSample: 8, samplesPerPixel: 3,
                                  photometric: "ycbcr", compression: "jpeg", tiled: false, tileWidth: nil,
                                  tileHeight: nil, pages: 1, pixelSizeMicrons: nil, orientation: 1))
    }

    @Test func progressiveAndBaselineOfTheSameSourceAgree() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let source = JPEGBuilder.smooth(width: 96, height: 64)
        let a = try ImageReader.read(try write(try JPEGBuilder(width: 96, height: 64, samples: source).encode(), "a.jpg", in: dir))
        let b = try ImageReader.read(try write(try JPEGBuilder(width: 96, height: 64, progressive: true, samples: source).encode(), "b.jpg", in: dir))
        #expect(a.meanAbsoluteError(from: b.bytes) < 1)
    }

    @Test func greyIsExpandedToRGB() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let grey: [UInt8] = (0..<(80 * 40)).map { (i: Int) -> UInt8 in UInt8(30 + (i % 80) * 2 + i / 80) }
        let path = try write(try JPEGBuilder(width: 80, height: 40, components: 1, samples: grey).encode(), "grey.jpe", in: dir)
        let image = try ImageReader.read(path)
        #expect(image.width == 80 && image.height == 40)
        let s = image.bytes
        let equal = (0..<(80 * 40)).allSatisfy { (i: Int) -> Bool in s[3 * i] == s[3 * i + 1] && s[3 * i] == s[3 * i + 2] }
        #expect(equal)
        #expect(image.meanAbsoluteError(from: grey.flatMap { [$0, $0, $0] }) < 2)
        let info = try ImageReader.info(path)
        #expect(info.samplesPerPixel == 1 && info.photometric == "grey")
    }

    /// EXIF 6 (rotate 90° clockwise to display) and 3 (180°), written in both byte orders.
    @Test(arguments: [(6, true), (3, false), (6, false), (1, true)])
    func exifOrientationIsApplied(orientation: Int, bigEndian: Bool) throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let plain = try JPEGBuilder(width: 64, height: 32, samples: JPEGBuilder.quadrants(width: 64, height: 32)).encode()
        let path = try write(JPEGSurgery.insertingEXIF(orientation: orientation, into: plain, bigEndian: bigEndian), "exif.jpg", in: dir)
        let image = try ImageReader.read(path)
        let (red, green, blue, white) = (0, 1, 2, 3)
        // Which stored quadrant shows at display top-left, top-right, bottom-left, bottom-right.
        let expected: [Int]
        switch orientation {
        case 6: expected = [blue, red, white, green]
        case 3: expected = [white, blue, green, red]
        default: expected = [red, green, blue, white]
        }
        let (w, h) = orientation == 6 ? (32, 64) : (64, 32)
        #expect(image.width == w && image.height == h)
        let centres = [(w / 4, h / 4), (3 * w / 4, h / 4), (w / 4, 3 * h / 4), (3 * w / 4, 3 * h / 4)]
        for (k, (x, y)) in centres.enumerated() {
            let got = image.pixel(x, y), want = JPEGBuilder.quadrantColours[expected[k]]
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 8 }, "quadrant \(k) at (\(x), \(y)): \(got), want \(want)")
        }
        let info = try ImageReader.info(path)
        #expect(info.width == w && info.height == h && info.orientation == orientation)
        // A region is cut from the displayed image.
        let region = try ImageReader.readRegion(path, x: 3, y: 5, width: 20, height: 9)
        #expect(region == image.cropped(to: PixelRect(x: 3, y: 5, width: 20, height: 9)))
    }

    @Test func orientationParserIgnoresOddEXIF() {
        func orientation(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBytes { EXIFOrientation.inJPEG($0) } }
        let base: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9]
        #expect(orientation(JPEGSurgery.insertingEXIF(orientation: 8, into: base, bigEndian: false)) == 8)
        #expect(orientation(JPEGSurgery.insertingEXIF(orientation: 9, into: base, bigEndian: false)) == 1)
        #expect(orientation(JPEGSurgery.insertingEXIF(orientation: 0, into: base, bigEndian: true)) == 1)
        var cut = JPEGSurgery.insertingEXIF(orientation: 6, into: base, bigEndian: true)
        cut.removeLast(12)  // the segment claims more bytes than the file has
        #expect(orientation(cut) == 1)
        #expect(orientation([0xFF, 0xD8]) == 1 && orientation([]) == 1)
    }

    /// A 12.5-megapixel camera frame decodes within the default budget, exactly sized, and a
    /// smaller budget refuses it from the header with the displayed size.
    @Test func cameraSizedFrameDecodesWithinTheBudget() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let source = JPEGBuilder.smooth(width: 4080, height: 3072)
        let plain = try JPEGBuilder(width: 4080, height: 3072, quality: 90, samples: source).encode()
        let path = try write(JPEGSurgery.insertingEXIF(orientation: 6, into: plain, bigEndian: true), "camera.jpg", in: dir)
        let image = try ImageReader.read(path)
        #expect(image.width == 3072 && image.height == 4080)
        let upright = try ImageReader.read(try write(plain, "upright.jpg", in: dir))
        #expect(upright.width == 4080 && upright.height == 3072)
        #expect(upright.meanAbsoluteError(from: source, stride: 7) < 3)
        // Display (x, y) under orientation 6 is stored (y, 3071 - x).
        for (x, y) in [(0, 0), (3071, 0), (100, 4079), (1500, 2000)] {
            #expect(image.pixel(x, y) == upright.pixel(y, 3071 - x))
        }
        #expect(throws: FileError(path: path, reason: "3072 x 4080 pixels exceeds the limit of 12000000 pixels")) {
            try ImageReader.read(path, options: ReadOptions(maxPixels: 12_000_000))
        }
    }

    @Test func regionsAreCutFromTheWholeDecode() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let path = try write(try JPEGBuilder(width: 50, height: 40, samples: JPEGBuilder.smooth(width: 50, height: 40)).encode(), "r.jpg", in: dir)
        let whole = try ImageReader.read(path)
        #expect(try ImageReader.readRegion(path, x: 10, y: 20, width: 40, height: 20) == whole.cropped(to: PixelRect(x: 10, y: 20, width: 40, height: 20)))
        #expect(throws: FileError(path: path, reason: "region 41 x 20 at (10, 20) lies outside the 50 x 40 image")) {
            try ImageReader.readRegion(path, x: 10, y: 20, width: 41, height: 20)
        }
        #expect(throws: FileError(path: path, reason: "page 1 requested but a JPEG has only page 0")) {
            try ImageReader.info(path, page: 1)
        }
    }
}
