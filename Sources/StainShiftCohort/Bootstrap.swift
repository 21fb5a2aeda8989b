import StainShiftScoring
import StainShiftFoundation

/// Percentile bootstrap of the pre-to-post change of slide scores, resampling tiles with
/// replacement within each slide (Efron & Tibshirani 1993, ch. 13). Scores are recomputed from the
/// resampled sums of additive tile totals, exactly as slide scores are derived from their tiles.
public enum Bootstrap {
    /// Default number of resamples; 2000 keeps the Monte Carlo error of a 95% percentile bound
    /// small (Efron & Tibshirani recommend at least 1000 for percentile intervals).
    public static let defaultResamples = 2000
    public static let defaultSeed: UInt64 = 20_240_601

    /// 95% interval (2.5th and 97.5th percentiles) of `post - pre` for every metric `scores` reports.
    /// - Parameters:
    ///   - pre, post: tile totals of each slide at that timepoint (one inner array per slide).
    ///   - labels: names the random stream (patient, marker), so intervals do not depend on order.
    /// - Returns: metric name → (low, high); empty when `resamples` is 0 or a side has no tiles.
    public static func deltaIntervals(pre: [[TileTotals]], post: [[TileTotals]], resamples: Int, seed: UInt64,
                                      labels: [String], level: Double = 0.95,
                                      scores: (TileTotals) -> [MarkerScore]) -> [String: (low: Double, high: Double)] {
        guard resamples > 0, pre.contains(where: { !$0.isEmpty }), post.contains(where: { !$0.isEmpty }) else { return [:] }
        var rng = SplitMix64(seed: seed, labels: labels)
        var deltas: [String: [Double]] = [:]
        var names: [String] = []
        for b in 0..<resamples {
            let a = resample(pre, &rng), z = resample(post, &rng)
            let sa = scores(a), sz = scores(z)
            if b == 0 { names = sa.map(\.name) }
            var postByName: [String: Double] = [:]
            for s in sz { postByName[s.name] = s.value }
            for s in sa {
                guard let p = postByName[s.name] else { continue }
                deltas[s.name, default: []].append(p - s.value)
            }
        }
        var out: [String: (low: Double, high: Double)] = [:]
        let tail = (1 - level) / 2
        for name in names {
            guard var d = deltas[name], !d.isEmpty else { continue }
            d.sort()
            out[name] = (Quantiles.quantile(sorted: d, tail), Quantiles.quantile(sorted: d, 1 - tail))
        }
        return out
    }

    static func resample(_ slides: [[TileTotals]], _ rng: inout SplitMix64) -> TileTotals {
        var sum = TileTotals()
        for tiles in slides where !tiles.isEmpty {
            for _ in 0..<tiles.count { sum += tiles[rng.unbiasedBelow(tiles.count)] }
        }
        return sum
    }
}
