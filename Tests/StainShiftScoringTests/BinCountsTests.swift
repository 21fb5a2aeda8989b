import Testing
@testable import StainShiftScoring

@Suite struct BinCountsTests {
    @Test func hScoreWeighsBins() {
        let b = BinCounts(negative: 50, weak: 20, moderate: 20, strong: 10)
        #expect(b.hScore == 90)
        #expect(b.percentPositive == 50)
        #expect(BinCounts().hScore == 0)
    }
}
