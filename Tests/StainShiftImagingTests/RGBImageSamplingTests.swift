import Testing
@testable import StainShiftImaging

/// Strided samples and concatenation against their definitions, 8- and 16-bit.
@Suite struct RGBImageSamplingTests {
    static func image8(_ w: Int, _ h: Int, seed: Int) -> RGBImage {
        RGBImage(width: w, height: h, samples: .uint8((0..<(3 * w * h)).map { UInt8(truncatingIfNeeded: $0 * 7 + seed) }))
    }

    @Test(arguments: [1, 2, 3, 7, 35, 36, 1000])
    func stridedTakesEveryStepthPixel(step: Int) {
        let img = Self.image8(7, 5, seed: 3)
        guard case .uint8(let s) = img.samples, case .uint8(let got) = img.strided(by: step).samples else {
            Issue.record("8-bit expected"); return
        }
        let want = Swift.stride(from: 0, to: 35, by: step).flatMap { p in s[(3 * p)..<(3 * p + 3)] }
        #expect(got == want)
        #expect(img.strided(by: step).height == 1 && img.strided(by: step).width == want.count / 3)
        let deep = RGBImage(width: 7, height: 5, samples: .uint16(s.map { UInt16($0) * 257 }))
        #expect(deep.strided(by: step).samples == .uint16(want.map { UInt16($0) * 257 }))
        #expect(img.strided(by: 0) == img.strided(by: 1))
    }

    @Test func concatenatingJoinsPixelsOfTheFirstDepth() {
        let a = Self.image8(3, 2, seed: 1), b = Self.image8(4, 1, seed: 9)
        guard case .uint8(let sa) = a.samples, case .uint8(let sb) = b.samples else { Issue.record("8-bit expected"); return }
        let joined = RGBImage.concatenating([a, b])
        #expect(joined.width == 10 && joined.height == 1 && joined.samples == .uint8(sa + sb))
        #expect(RGBImage.concatenating([a]) == a)
        let deep = RGBImage(width: 1, height: 1, samples: .uint16([1, 2, 3]))
        #expect(RGBImage.concatenating([a, deep, b]).samples == .uint8(sa + sb))
        #expect(RGBImage.concatenating([deep, a]).samples == .uint16([1, 2, 3]))
        #expect(RGBImage.concatenating([]).pixelCount == 0)
    }
}
