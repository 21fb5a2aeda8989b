import Testing
@testable import StainShiftImaging

/// OpenSlide's premultiplied ARGB into RGB over white, and area averaging to an exact size.
@Suite struct SlidePixelsTests {
    @Test func opaquePixelsKeepTheirColour() {
        #expect(SlidePixels.overWhite(0xFF10_2030) == (0x10, 0x20, 0x30))
        #expect(SlidePixels.overWhite(0xFF00_0000) == (0, 0, 0))
        #expect(SlidePixels.overWhite(0xFFFF_FFFF) == (255, 255, 255))
    }

    @Test func fullyTransparentIsWhite() {
        #expect(SlidePixels.overWhite(0x0000_0000) == (255, 255, 255))
        #expect(SlidePixels.unpremultiplied(0x0000_0000) == (0, 0, 0, 0))
    }

    @Test func halfTransparentIsBlendedWithWhite() {
        // Straight colour (128, 64, 32) at alpha 128, premultiplied: (64, 32, 16).
        let argb: UInt32 = 0x8040_2010
        #expect(SlidePixels.unpremultiplied(argb) == (128, 64, 32, 128))
        // Over white: c * 128/255 + 127 = premultiplied + 127.
        #expect(SlidePixels.overWhite(argb) == (191, 159, 143))
        // Black at alpha 128 is mid-grey.
        #expect(SlidePixels.overWhite(0x8000_0000) == (127, 127, 127))
    }

    @Test func malformedPremultipliedValuesClamp() {
        // cp > a cannot come from premultiplication; it must not wrap around.
        #expect(SlidePixels.overWhite(0x10FF_FFFF) == (255, 255, 255))
        #expect(SlidePixels.unpremultiplied(0x10FF_0000).r == 255)
    }

    @Test func compositingEqualsUnpremultiplyThenBlendForEveryAlpha() {
        for a in UInt32(0)...255 {
            for cp in UInt32(0)...a {
                let argb = (a << 24) | (cp << 16) | (cp << 8) | cp
                let straight = Double(SlidePixels.unpremultiplied(argb).r)
                let blended = straight * Double(a) / 255 + Double(255 - a)
                #expect(abs(Double(SlidePixels.overWhite(argb).0) - blended) <= 1, "a \(a) cp \(cp)")
            }
        }
    }

    @Test func compositeFillsThreeBytesPerPixel() {
        let argb: [UInt32] = [0xFF01_0203, 0x0000_0000, 0x8000_0000]
        var rgb = [UInt8](repeating: 9, count: 9)
        argb.withUnsafeBufferPointer { source in
            rgb.withUnsafeMutableBufferPointer { SlidePixels.composite(source, into: $0.baseAddress!) }
        }
        #expect(rgb == [1, 2, 3, 255, 255, 255, 127, 127, 127])
    }

    @Test func areaAveragingByTwoIsTheMeanOfEachBlock() {
        // 4 x 2 grey ramp: columns 0, 40, 80, 120 -> two pixels 20 and 100.
        var s: [UInt8] = []
        for _ in 0..<2 { for x in 0..<4 { s += Array(repeating: UInt8(40 * x), count: 3) } }
        let image = RGBImage(width: 4, height: 2, samples: .uint8(s), pixelSizeMicrons: 0.5)
        let half = SlideResampler.areaAverage(image, width: 2, height: 1)
        #expect(half.width == 2 && half.height == 1)
        #expect(half.bytes == [20, 20, 20, 100, 100, 100])
        #expect(half.pixelSizeMicrons == 1.0)
    }

    @Test func fractionalScalesWeighCoveredAreas() {
        let taps = SlideResampler.weights(source: 3, target: 2)
        #expect(taps.count == 2)
        for pixel in taps { #expect(abs(pixel.reduce(0) { $0 + $1.weight } - 1) < 1e-12) }
        // Output 0 covers source 0 and half of source 1.
        #expect(taps[0].map(\.index) == [0, 1] && abs(taps[0][0].weight - 2.0 / 3) < 1e-12)
        // A uniform image stays uniform at any size.
        let flat = RGBImage(width: 7, height: 5, filling: (10, 200, 90))
        let small = SlideResampler.areaAverage(flat, width: 3, height: 2)
        #expect(small == RGBImage(width: 3, height: 2, filling: (10, 200, 90)))
        #expect(SlideResampler.areaAverage(flat, width: 7, height: 5) == flat)
    }
}
