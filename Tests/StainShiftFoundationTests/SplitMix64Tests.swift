import Testing
import StainShiftFoundation

@Suite struct SplitMix64Tests {
    /// The published SplitMix64 sequence, and both integer draws pinned to the values the
    /// synthetic tiles (`fastBelow`) and the bootstrap (`unbiasedBelow`) drew before they shared
    /// one generator (computed independently in Python), so neither set of numbers moves.
    @Test func drawsArePinned() {
        var r = SplitMix64(seed: 1)
        #expect(r.next() == 10_451_216_379_200_822_465 && r.next() == 13_757_245_211_066_428_519)
        var s = SplitMix64(seed: 5, stream: 3)
        #expect((0..<6).map { _ in s.fastBelow(1000) } == [497, 695, 3, 355, 553, 768])
        var b = SplitMix64(seed: 20_240_601, labels: ["P1", "pdl1"])
        #expect((0..<6).map { _ in b.unbiasedBelow(1000) } == [474, 335, 56, 801, 515, 862])
    }

    @Test func fastBelowIsUniformOverItsRange() {
        var r = SplitMix64(seed: 1)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 { counts[r.fastBelow(10)] += 1 }
        for c in counts { #expect(c > 850 && c < 1150, "\(counts)") }
        #expect(r.fastBelow(0) == 0)
    }

    @Test func shuffleIsAPermutationAndDependsOnTheSeed() {
        var a = Array(0..<50), b = a
        var r1 = SplitMix64(seed: 7), r2 = SplitMix64(seed: 8)
        r1.shuffle(&a); r2.shuffle(&b)
        #expect(a.sorted() == Array(0..<50))
        #expect(a != b)
        #expect(a != Array(0..<50))
    }

    @Test func labelledStreamsStayInRangeAndAreStable() {
        var g = SplitMix64(seed: 42, labels: ["a"])
        var h = SplitMix64(seed: 42, labels: ["a"])
        let xs = (0..<1000).map { _ in g.unbiasedBelow(7) }
        #expect(xs.allSatisfy { (0..<7).contains($0) })
        #expect(Set(xs).count == 7)
        #expect(xs == (0..<1000).map { _ in h.unbiasedBelow(7) })
    }
}
