import Foundation
import Testing
import StainShiftFoundation
@testable import StainShiftImaging

/// Whole slides through OpenSlide: metadata, region reads against libtiff and between levels,
/// white outside the slide, the pixel budget, and the libtiff path's Aperio pixel size.
@Suite(.enabled(if: Slides.available, Slides.skipNote)) struct SlideReaderTests {
    @Test func cmuReportsLevelsPixelSizeVendorAndAssociatedImages() throws {
        let slide = try SlideReader(Slides.cmu)
        #expect(slide.levels == [SlideLevel(width: 2220, height: 2967, downsample: 1)])
        #expect(slide.vendor == "aperio")
        #expect(slide.pixelSizeMicrons == 0.499)
        #expect(slide.objectivePower == 20)
        #expect(slide.tileWidth == 240 && slide.tileHeight == 240)
        #expect(Set(slide.associatedImageNames) == ["label", "macro", "thumbnail"])
        let info = try ImageReader.info(Slides.cmu)
        #expect(info.format == .slide && info.width == 2220 && info.height == 2967)
        #expect(info.pixelSizeMicrons == 0.499 && info.vendor == "aperio" && info.objectivePower == 20)
        #expect(info.compression == "jpeg" && info.levels.count == 1)
    }

    @Test func libtiffPathTakesThePixelSizeFromTheAperioDescription() throws {
        #expect(try TIFFReader.info(Slides.cmu, page: 0).pixelSizeMicrons == 0.499)
        // The libtiff view of the pyramids: CMU-1 has one level (then a thumbnail, label and macro),
        // TCGA two tiled levels around a stripped thumbnail.
        #expect(try TIFFReader.info(Slides.cmu, page: 0).levels.isEmpty)
        #expect(try TIFFReader.info(Slides.tcga, page: 0).levels.map(\.width) == [4443, 2221])
        #expect(AperioMetadata.micronsPerPixel("Aperio Image Library v10.0.51\r\n46920x33014 [0,100 46000x32914] (256x256) JPEG/RGB Q=30|AppMag = 20|MPP = 0.4990|Filename = x") == 0.499)
        #expect(AperioMetadata.micronsPerPixel("Aperio Image Library v11.0.37") == nil)
        #expect(AperioMetadata.micronsPerPixel("ImageJ=1.5|MPP = 0.25") == nil)
    }

    @Test func tcgaHasTwoLevelsAndNoPixelSize() throws {
        let slide = try SlideReader(Slides.tcga)
        #expect(slide.levels.map(\.width) == [4443, 2221] && slide.levels.map(\.height) == [3567, 1783])
        #expect(abs(slide.levels[1].downsample - 2.0005) < 1e-3)
        #expect(slide.pixelSizeMicrons == nil && slide.objectivePower == nil)
        #expect(slide.associatedImageNames == ["thumbnail"])
        #expect(slide.bestLevel(forDownsample: 1) == 0)
        #expect(slide.bestLevel(forDownsample: 2.5) == 1)
        #expect(slide.bestLevel(forDownsample: 64) == 1)
        #expect(try ImageReader.info(Slides.tcga).compression == "jpeg-2000")
    }

    @Test func cmuRegionMatchesLibtiffDecodingTheSameTiles() throws {
        let slide = try SlideReader(Slides.cmu)
        let rect = PixelRect(x: 700, y: 1100, width: 517, height: 333)  // crosses 240-pixel tile edges
        let viaOpenSlide = try slide.readRegion(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
        let viaLibtiff = try TIFFReader.read(Slides.cmu, region: rect, options: ReadOptions())
        let diff = Slides.meanAbsDiff(viaOpenSlide, viaLibtiff)
        print("slide: CMU-1 517 x 333 region, OpenSlide vs libtiff: mean abs diff \(diff)")
        #expect(diff < 1.0)
        #expect(viaOpenSlide.pixelSizeMicrons == 0.499)
    }

    @Test func tcgaDecodesJPEG2000WithTissueColours() throws {
        let slide = try SlideReader(Slides.tcga)
        let region = try slide.readRegion(x: 1200, y: 1000, width: 1024, height: 1024)
        let mean = Slides.meanRGB(region)
        print("slide: TCGA 1024 x 1024 region at (1200, 1000): mean RGB \(mean)")
        #expect(mean.allSatisfy { $0 > 60 && $0 < 245 }, "mean \(mean)")
        #expect(mean[1] < mean[0], "H&E: green is absorbed most: \(mean)")
        #expect(Set(region.bytes).count > 100)
    }

    @Test func levelOneAgreesWithLevelZeroAveraged() throws {
        let slide = try SlideReader(Slides.tcga)
        let ds = slide.levels[1].downsample
        let coarse = try slide.readRegion(level: 1, x: 1000, y: 800, width: 600, height: 500)
        let fine = try slide.readRegion(level: 0, x: 1000, y: 800, width: Int((600 * ds).rounded()), height: Int((500 * ds).rounded()))
        let averaged = SlideResampler.areaAverage(fine, width: 600, height: 500)
        let diff = Slides.meanAbsDiff(coarse, averaged)
        print("slide: TCGA level 1 vs level 0 averaged 2x (600 x 500): mean abs diff \(diff)")
        #expect(diff < 8)
        // Aligned: moving the level-0 window by one level-1 pixel either way only makes it worse.
        for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
            let shifted = try slide.readRegion(level: 0, x: 1000 + Int((Double(dx) * ds).rounded()), y: 800 + Int((Double(dy) * ds).rounded()),
                                               width: fine.width, height: fine.height)
            let worse = Slides.meanAbsDiff(coarse, SlideResampler.areaAverage(shifted, width: 600, height: 500))
            print("slide: shifted by (\(dx), \(dy)) level-1 pixels: mean abs diff \(worse)")
            #expect(worse > diff)
        }
        // The same through the pixel-size read, which picks level 1 and needs no averaging.
        let direct = try slide.readRegion(x: 1000, y: 800, width: 1200, height: 1000, downsample: ds)
        #expect(direct.width == 600 && direct.height == 500)
        #expect(Slides.meanAbsDiff(direct, coarse) < 1)
    }

    @Test func readAtADownsampleGivesTheExactSize() throws {
        let slide = try SlideReader(Slides.cmu)
        let image = try slide.readRegion(x: 0, y: 0, width: 2000, height: 1000, downsample: 3)
        #expect(image.width == 667 && image.height == 333)
        #expect(abs((image.pixelSizeMicrons ?? 0) - 0.499 * 2000 / 667) < 1e-9)
        let micron = try slide.readRegion(x: 0, y: 0, width: 998, height: 499, micronsPerPixel: 0.998)
        #expect(micron.width == 499 && micron.height == 250)
        #expect(throws: FileError.self) { try slide.readRegion(x: 0, y: 0, width: 10, height: 10, downsample: 0.5) }
        #expect(throws: FileError.self) {
            try SlideReader(Slides.tcga).readRegion(x: 0, y: 0, width: 10, height: 10, micronsPerPixel: 1)
        }
    }

    @Test func outsideTheSlideIsWhite() throws {
        let slide = try SlideReader(Slides.cmu)
        let outside = try slide.readRegion(x: -500, y: -500, width: 64, height: 32)
        #expect(outside.bytes.allSatisfy { $0 == 255 })
        let beyond = try ImageReader.readRegion(Slides.cmu, x: 5000, y: 100, width: 10, height: 10)
        #expect(beyond.bytes.allSatisfy { $0 == 255 })
        // Straddling the right edge: the columns past x = 2220 are white, the others are tissue.
        let edge = try slide.readRegion(x: 2210, y: 1500, width: 20, height: 4)
        let inside = try slide.readRegion(x: 2210, y: 1500, width: 10, height: 4)
        for row in 0..<4 {
            #expect(Array(edge.bytes[(row * 60)..<(row * 60 + 30)]) == Array(inside.bytes[(row * 30)..<(row * 30 + 30)]))
            #expect(edge.bytes[(row * 60 + 30)..<(row * 60 + 60)].allSatisfy { $0 == 255 })
        }
    }

    @Test func pixelsDoNotDependOnTheThreadCount() throws {
        let slide = try SlideReader(Slides.tcga)
        let one = try slide.readRegion(x: 1000, y: 900, width: 700, height: 1300, options: ReadOptions(threads: 1))
        let many = try slide.readRegion(x: 1000, y: 900, width: 700, height: 1300, options: ReadOptions(threads: 4))
        #expect(one == many)
    }

    @Test func thePixelBudgetIsCheckedBeforeReading() throws {
        let small = ReadOptions(maxPixels: 1000)
        #expect(throws: FileError(path: Slides.cmu, reason: "region of 100 x 100 pixels exceeds the limit of 1000 pixels")) {
            try ImageReader.readRegion(Slides.cmu, x: 0, y: 0, width: 100, height: 100, options: small)
        }
        #expect(throws: FileError(path: Slides.cmu, reason: "slide is 2220 x 2967 pixels at level 0, larger than the pixel budget of 1000 pixels: read it in regions or from a coarser level")) {
            try ImageReader.read(Slides.cmu, options: small)
        }
        #expect(throws: FileError.self) { try SlideReader(Slides.cmu).readRegion(x: 0, y: 0, width: 0, height: 5) }
        #expect(throws: FileError.self) { try SlideReader(Slides.cmu).readRegion(level: 1, x: 0, y: 0, width: 5, height: 5) }
    }

    @Test func wholeReadOfASlideWithinTheBudget() throws {
        let image = try ImageReader.read(Slides.cmu)
        #expect(image.width == 2220 && image.height == 2967 && image.pixelSizeMicrons == 0.499)
        let level1 = try ImageReader.read(Slides.tcga, options: ReadOptions(page: 1))
        #expect(level1.width == 2221 && level1.height == 1783)
        // ImageReader's regions of a level are in that level's pixels, like its whole read. Level 1's
        // downsample is 2.0005, so (700, 600) is level-0 (1400, 1200), 0.18 px off the level-1 grid:
        // OpenSlide resamples such reads (cairo, bilinear), hence not byte-equal.
        let window = try ImageReader.readRegion(Slides.tcga, x: 700, y: 600, width: 300, height: 200, options: ReadOptions(page: 1))
        let diff = Slides.meanAbsDiff(window, level1.cropped(to: PixelRect(x: 700, y: 600, width: 300, height: 200)))
        print("slide: TCGA level-1 window vs the same pixels of the whole level: mean abs diff \(diff)")
        #expect(diff < 5)
        // At level 0 the same window is exact.
        let whole = try ImageReader.read(Slides.cmu)
        let exact = try ImageReader.readRegion(Slides.cmu, x: 250, y: 470, width: 300, height: 200)
        #expect(exact == whole.cropped(to: PixelRect(x: 250, y: 470, width: 300, height: 200)))
    }
}
