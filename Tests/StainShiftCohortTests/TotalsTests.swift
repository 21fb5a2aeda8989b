import Testing
import StainShiftScoring

@Suite struct TotalsTests {
    @Test func totalsAdd() {
        var a = TileTotals(); a.tumour = BinCounts(negative: 1, weak: 2); a.tiles = 1
        var b = TileTotals(); b.tumour = BinCounts(strong: 3); b.tiles = 1
        let s = a + b
        #expect(s.tumour == BinCounts(negative: 1, weak: 2, strong: 3))
        #expect(s.tiles == 2)
    }
}
