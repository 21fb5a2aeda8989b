import Testing
import StainShiftFoundation

@Suite struct QuantilesTests {
    @Test func quantileMatchesRType7() {
        #expect(Quantiles.quantile(sorted: [1.0, 2, 3, 4], 0.5) == 2.5)
        #expect(Quantiles.quantile(sorted: [1.0, 2, 3, 4], 0.025) == 1.075)
        #expect(Quantiles.quantile(sorted: [1.0, 2, 3, 4], 1) == 4)
        #expect(Quantiles.quantile(sorted: [Float(2)], 0.9) == 2)
        #expect(Quantiles.quantile(sorted: [Double](), 0.5).isNaN)
    }

    @Test func mediansOfOddAndEvenCounts() {
        #expect(Quantiles.median(sorted: [1.0, 2, 10]) == 2)
        #expect(Quantiles.median(sorted: [1.0, 2, 3, 10]) == 2.5)
        #expect(Quantiles.upperMedian(sorted: [Float(1), 2, 3, 10]) == 3)
        #expect(Quantiles.upperMedian(sorted: [Float(1), 2, 10]) == 2)
        #expect(Quantiles.median(sorted: [Double]()).isNaN && Quantiles.upperMedian(sorted: [Double]()).isNaN)
    }
}
