import StainShiftFoundation
import Testing
@testable import StainShiftScoring

/// `PeripheralDAB.topSum` (quickselect) against the definition: sort descending, add the first k.
@Suite struct TopSumTests {
    static func reference(_ values: [Float], _ k: Int) -> Double {
        values.sorted(by: >).prefix(k).reduce(0.0) { $0 + Double($1) }
    }

    static func topSum(_ values: [Float], _ k: Int) -> Double {
        var copy = values
        return copy.withUnsafeMutableBufferPointer { PeripheralDAB.topSum($0.baseAddress!, $0.count, k) }
    }

    @Test(arguments: [1, 2, 3, 7, 64, 257, 1000])
    func matchesSortedSum(count: Int) {
        var g = SplitMix64(seed: UInt64(count))  // deterministic: the same cases on every run
        // Distinct values, values from a few levels (many ties), and signed values.
        let spread = (0..<count).map { _ in Float(g.next() % 100_000) / 10_000 }
        let levels = (0..<count).map { _ in Float(g.next() % 4) * 0.25 }
        let signed = (0..<count).map { _ in Float(Int(g.next() % 2001) - 1000) / 500 }
        for values in [spread, levels, signed] {
            for k in Set([1, 2, count / 4, count / 2, count - 1, count]) where k >= 1 {
                #expect(Self.topSum(values, k) == Self.reference(values, k), "count \(count), k \(k)")
            }
        }
    }

    @Test func tiesAndOrderedInputs() {
        let same = [Float](repeating: 0.3, count: 500)
        #expect(Self.topSum(same, 125) == Self.reference(same, 125))
        let rising = (0..<500).map { Float($0) / 100 }
        #expect(Self.topSum(rising, 125) == Self.reference(rising, 125))
        let falling = Array(rising.reversed())
        #expect(Self.topSum(falling, 1) == Double(falling[0]))
        #expect(Self.topSum(falling, 500) == Self.reference(falling, 500))
    }
}
