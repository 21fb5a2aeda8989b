import Testing
@testable import StainShiftCells

/// The vectorised Otsu histogram against the scalar definition (256 bins over [0, min(max, 3)] OD
/// within the mask; the split itself is `Otsu.bestBin`), on sizes that leave a ragged tail of
/// fewer than 8 pixels and on masks with runs inside, runs outside and mixed 8-pixel words.
@Suite struct OtsuTests {
    static func reference(_ v: [Float], mask: [UInt8]?) -> Double {
        let inside = v.indices.filter { mask == nil || mask![$0] != 0 }
        let hi = min(inside.map { v[$0] }.reduce(Float(0), max), 3)
        guard hi > 0 else { return 0 }
        let scale = 255 / hi
        var hist = [Double](repeating: 0, count: 256)
        for i in inside { hist[Int(min(max(v[i], 0), hi) * scale)] += 1 }
        return (Double(Otsu.bestBin(hist)) + 1) / Double(scale)
    }

    @Test(arguments: [1, 7, 8, 9, 100, 1_003])
    func matchesTheScalarDefinition(count: Int) {
        var state: UInt64 = UInt64(count) &* 2_654_435_761
        func next() -> UInt64 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return state >> 33 }
        // Two populations (background near 0.1, nuclei near 0.6), a few values above the 3 OD cap and below 0.
        let values: [Float] = (0..<count).map { i in
            let base: Float = i % 3 == 0 ? 0.6 : 0.1
            let v = base + Float(next() % 1000) / 5000 - 0.05
            return i % 97 == 5 ? 3.5 : (i % 89 == 7 ? -0.2 : v)
        }
        let runs: [UInt8] = (0..<count).map { ($0 / 16) % 2 == 0 ? 1 : 0 }
        let mixed: [UInt8] = (0..<count).map { _ in UInt8(next() % 3) }
        for mask in [nil, runs, mixed, [UInt8](repeating: 0, count: count)] {
            let got = values.withUnsafeBufferPointer { Otsu.threshold($0.baseAddress!, count: count, mask: mask) }
            #expect(got == Self.reference(values, mask: mask), "count \(count)")
        }
    }
}
