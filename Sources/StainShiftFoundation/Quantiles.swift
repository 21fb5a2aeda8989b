/// Quantiles and medians of sorted values: the one implementation every stage uses.
public enum Quantiles {
    /// Linear-interpolation quantile of sorted values at `p` in 0...1 (Hyndman & Fan 1996, type 7:
    /// R's and numpy's default); `p` outside 0...1 is clamped. NaN when `sorted` is empty.
    public static func quantile<T: BinaryFloatingPoint>(sorted: [T], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        let a = Double(sorted[lo]), b = Double(sorted[hi])
        return a + (h - Double(lo)) * (b - a)
    }

    /// The median of sorted values: the middle one, or the mean of the two middle ones for an even
    /// count (the type-7 quantile at 0.5). NaN when `sorted` is empty.
    public static func median<T: BinaryFloatingPoint>(sorted: [T]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[m]) : (Double(sorted[m - 1]) + Double(sorted[m])) / 2
    }

    /// The upper median of sorted values: the middle one, or the higher of the two middle ones for
    /// an even count (an element of the data, never an average). NaN when `sorted` is empty.
    public static func upperMedian<T: BinaryFloatingPoint>(sorted: [T]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return Double(sorted[sorted.count / 2])
    }
}
