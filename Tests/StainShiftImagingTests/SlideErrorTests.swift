import CTIFF
import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Broken, empty, truncated and corrupt slides give one-line errors naming the file; the probe
/// sends generic pyramidal TIFFs to OpenSlide and keeps plain and OME-TIFFs on libtiff.
@Suite struct SlideErrorTests {
    static func expectOneLine(_ error: FileError, path: String) {
        #expect(error.path == path)
        #expect(!error.description.contains("\n") && !error.reason.isEmpty, "\(error)")
    }

    /// Runs `body` and returns the `FileError` it threw (nil when it succeeded).
    static func failure(_ body: () throws -> Void) -> FileError? {
        do { try body(); return nil } catch {
            #expect(error is FileError, "\(error)")
            return error as? FileError
        }
    }

    @Test(.enabled(if: Slides.available, Slides.skipNote))
    func brokenSlideIsNotReadable() throws {
        let error = try #require(SlideErrorTests.failure { _ = try ImageReader.info(Slides.broken) })
        #expect(error == FileError(path: Slides.broken, reason: "not a whole-slide image OpenSlide can read"))
        let direct = try #require(SlideErrorTests.failure { _ = try SlideReader(Slides.broken) })
        #expect(direct.reason == "not a whole-slide image OpenSlide can read")
        #expect(SlideErrorTests.failure { _ = try ImageReader.read(Slides.broken) } != nil)
    }

    @Test func emptySlideFileIsRefused() throws {
        let scratch = try Scratch(); defer { scratch.cleanup() }
        let path = scratch.path("empty.svs")
        try Data().write(to: URL(fileURLWithPath: path))
        let error = try #require(SlideErrorTests.failure { _ = try ImageReader.info(path) })
        #expect(error == FileError(path: path, reason: "file is empty (0 bytes)"))
        let direct = try #require(SlideErrorTests.failure { _ = try SlideReader(path) })
        SlideErrorTests.expectOneLine(direct, path: path)
    }

    @Test(.enabled(if: Slides.available, Slides.skipNote))
    func truncatedSlidesGiveOneLineErrors() throws {
        let scratch = try Scratch(); defer { scratch.cleanup() }
        let whole = try Data(contentsOf: URL(fileURLWithPath: Slides.cmu))
        // Cut in the tile data (the directories, at the end, are lost) and just after the last
        // directory (the label and macro strips are lost).
        for length in [1_000_000, 1_938_512, 64, 7] {
            let path = scratch.path("cut-\(length).svs")
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            if let error = SlideErrorTests.failure({ _ = try ImageReader.info(path) }) {
                SlideErrorTests.expectOneLine(error, path: path)
            }
            let read = SlideErrorTests.failure { _ = try ImageReader.read(path) }
            if let read { SlideErrorTests.expectOneLine(read, path: path) }
            if length < 1_900_000 { #expect(read != nil, "a \(length)-byte prefix must not read") }
        }
    }

    @Test(.enabled(if: Slides.available, Slides.skipNote))
    func corruptTilesGiveOpenSlidesMessageAndStaySticky() throws {
        let scratch = try Scratch(); defer { scratch.cleanup() }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Slides.cmu)))
        // Zero the level-0 JPEG tiles (they lie before the first directory at 1,275,950).
        for i in 100..<1_270_000 { bytes[i] = 0 }
        let path = scratch.path("zeroed.svs")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let slide = try SlideReader(path)
        let first = try #require(SlideErrorTests.failure { _ = try slide.readRegion(x: 1000, y: 1000, width: 64, height: 64) })
        SlideErrorTests.expectOneLine(first, path: path)
        #expect(first.reason.hasPrefix("OpenSlide: "), "\(first)")
        // Errors are sticky on an OpenSlide handle: a later read of a sound area fails too.
        let later = SlideErrorTests.failure { _ = try slide.readRegion(x: -100, y: -100, width: 8, height: 8) }
        #expect(later == first)
        #expect(SlideErrorTests.failure { _ = try ImageReader.read(path) } != nil)
    }

    @Test func genericPyramidalTIFFGoesToOpenSlide() throws {
        let scratch = try Scratch(); defer { scratch.cleanup() }
        let pyramid = scratch.path("pyramid.tif")
        try writePyramid(pyramid, sizes: [64, 32])
        let info = try ImageReader.info(pyramid)
        #expect(info.format == .slide && info.vendor == "generic-tiff")
        #expect(info.levels == [SlideLevel(width: 64, height: 64, downsample: 1), SlideLevel(width: 32, height: 32, downsample: 2)])
        #expect(try ImageReader.read(pyramid) == (try TIFFReader.read(pyramid, options: ReadOptions())))
        #expect(try ImageReader.read(pyramid, options: ReadOptions(page: 1)).width == 32)

        // Not pyramids for OpenSlide: one level, unmarked levels, uncompressed tiles, OME-TIFF.
        let single = scratch.path("single.tif"), unmarked = scratch.path("unmarked.tif")
        let raw = scratch.path("raw.tif"), ome = scratch.path("pyramid.ome.tif")
        try writePyramid(single, sizes: [64])
        try writePyramid(unmarked, sizes: [64, 32], markReduced: false)
        try writePyramid(raw, sizes: [64, 32], compression: COMPRESSION_NONE)
        try writePyramid(ome, sizes: [64, 32], description: "<?xml version=\"1.0\"?><OME><Image><Pixels PhysicalSizeX=\"0.25\"></Pixels></Image></OME>")
        for path in [single, unmarked, raw, ome] { #expect(try ImageReader.info(path).format == .tiff, "\(path)") }
        #expect(try ImageReader.info(ome).pixelSizeMicrons == 0.25)
        // libtiff's info still lists the levels of a TIFF pyramid, from any page.
        #expect(try ImageReader.info(raw).levels == info.levels)
        #expect(try ImageReader.info(ome, page: 1).levels.map(\.width) == [64, 32])
        #expect(try ImageReader.info(single).levels.isEmpty)
    }
}
