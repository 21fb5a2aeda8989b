import StainShiftFoundation
import StainShiftScoring

extension Layout {
    /// Exact counts: round(fraction x tumour cells) positive, spread over 1+/2+/3+ by the weights.
    mutating func assignBins() {
        var brng = SplitMix64(seed: seed, stream: 3)
        let tumour = nuclei.indices.filter { !nuclei[$0].lymphocyte }
        let lymph = nuclei.indices.filter { nuclei[$0].lymphocyte }
        bins = [IntensityBin](repeating: .negative, count: nuclei.count)
        secondaryBins = [IntensityBin?](repeating: nil, count: nuclei.count)
        func spread(_ idx: [Int], fraction: Double, into out: inout [IntensityBin]) {
            var order = idx
            brng.shuffle(&order)
            let positives = min(order.count, max(0, Int((Double(order.count) * min(1, max(0, fraction))).rounded())))
            let wsum = max(1e-9, spec.binWeights.prefix(3).reduce(0, +))
            let weights = spec.binWeights.count >= 3 ? spec.binWeights.map { $0 / wsum } : Paint.defaultBinWeights
            let nWeak = Int((Double(positives) * weights[0]).rounded())
            let nModerate = min(positives - nWeak, Int((Double(positives) * weights[1]).rounded()))
            for (rank, i) in order.prefix(positives).enumerated() {
                out[i] = rank < nWeak ? .weak : rank < nWeak + nModerate ? .moderate : .strong
            }
        }
        spread(tumour, fraction: spec.positiveFraction, into: &bins)
        spread(lymph, fraction: spec.lymphocytePositiveFraction, into: &bins)
        if spec.marker.secondary != nil {
            var sec = [IntensityBin](repeating: .negative, count: nuclei.count)
            spread(tumour, fraction: spec.secondaryPositiveFraction, into: &sec)
            spread(lymph, fraction: 0, into: &sec)
            for i in nuclei.indices { secondaryBins[i] = sec[i] }
        }
        arcs = bins.map { b in
            guard b != .negative, brng.chance(spec.partialMembraneFraction) else { return (0, 2 * .pi) }
            return (brng.uniform(0, 2 * .pi), brng.uniform(Paint.partialArc.lowerBound, Paint.partialArc.upperBound) * 2 * .pi)
        }
        primaryOD = bins.map { let r = SyntheticTile.odRange($0); return brng.uniform(r.lowerBound, r.upperBound) }
        secondaryOD = secondaryBins.map { b in b.map { let r = SyntheticTile.odRange($0); return brng.uniform(r.lowerBound, r.upperBound) } }
    }
}
