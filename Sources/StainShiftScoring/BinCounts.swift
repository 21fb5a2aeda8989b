/// Counts per intensity bin: negative, 1+ (weak), 2+ (moderate), 3+ (strong).
/// Additive, so tiles sum into slides exactly; ratios are derived at the end.
public struct BinCounts: Sendable, Equatable, Codable {
    public var negative: Int = 0
    public var weak: Int = 0
    public var moderate: Int = 0
    public var strong: Int = 0

    public init(negative: Int = 0, weak: Int = 0, moderate: Int = 0, strong: Int = 0) {
        self.negative = negative; self.weak = weak; self.moderate = moderate; self.strong = strong
    }

    public var total: Int { negative + weak + moderate + strong }
    public var positive: Int { weak + moderate + strong }

    /// Percent of counted items at 1+ or above; 0 when nothing was counted.
    public var percentPositive: Double { total == 0 ? 0 : 100 * Double(positive) / Double(total) }

    /// H-score, 0-300: 1 x %1+ + 2 x %2+ + 3 x %3+ (McCarty et al. 1985); 0 when nothing was counted.
    public var hScore: Double {
        total == 0 ? 0 : 100 * Double(weak + 2 * moderate + 3 * strong) / Double(total)
    }

    public mutating func add(bin: IntensityBin) {
        switch bin {
        case .negative: negative += 1
        case .weak: weak += 1
        case .moderate: moderate += 1
        case .strong: strong += 1
        }
    }

    public static func + (a: BinCounts, b: BinCounts) -> BinCounts {
        BinCounts(negative: a.negative + b.negative, weak: a.weak + b.weak,
                  moderate: a.moderate + b.moderate, strong: a.strong + b.strong)
    }
}

/// The four intensity bins of IHC scoring.
public enum IntensityBin: String, Sendable, Codable, CaseIterable {
    case negative = "negative", weak = "1+", moderate = "2+", strong = "3+"
}
