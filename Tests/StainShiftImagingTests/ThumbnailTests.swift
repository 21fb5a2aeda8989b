import Testing
import StainShiftImaging

@Suite struct ThumbnailTests {
    @Test func shrinksByTheSmallestIntegerFactorThatFits() {
        var s = [UInt8](repeating: 0, count: 1030 * 700 * 3)
        for i in stride(from: 0, to: s.count, by: 6) { s[i] = 200 }  // every other pixel red 200
        let t = RGBImage(width: 1030, height: 700, samples: .uint8(s), pixelSizeMicrons: 0.5).thumbnail(maxSide: 256)
        #expect(t.width == 206 && t.height == 140)  // factor 5: 1030 / 5 = 206 <= 256
        #expect(t.pixelSizeMicrons == 2.5)
        // A 5x5 box from an even column holds 3 red columns (120), from an odd one 2 (80).
        if case .uint8(let o) = t.samples { #expect(o[0] == 120 && o[1] == 0 && o[3] == 80) } else { Issue.record("not 8-bit") }
        let small = RGBImage(width: 100, height: 80, filling: (1, 2, 3))
        #expect(small.thumbnail(maxSide: 256) == small)
    }
}
