import Foundation

/// How well measured indices follow the true ones over a set of images: mean absolute error,
/// Pearson's r and the largest absolute error, in percentage points (r unitless).
public struct IndexAgreement: Sendable, Equatable {
    public var images: Int
    public var meanAbsoluteError: Double?
    /// Pearson's product-moment correlation; nil with fewer than two images or no spread.
    public var pearsonR: Double?
    /// The error (measured - truth) of largest magnitude, with its sign.
    public var maxError: Double?

    /// Over (truth, measured) pairs.
    public init(_ pairs: [(truth: Double, measured: Double)]) {
        images = pairs.count
        guard !pairs.isEmpty else { return }
        let errors = pairs.map { $0.measured - $0.truth }
        meanAbsoluteError = errors.reduce(0) { $0 + abs($1) } / Double(errors.count)
        maxError = errors.max { abs($0) < abs($1) }
        pearsonR = Self.pearson(pairs.map(\.truth), pairs.map(\.measured))
    }

    /// r = Σ(x - x̄)(y - ȳ) / sqrt(Σ(x - x̄)² Σ(y - ȳ)²); nil when n < 2 or either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}

/// A group of evaluated images (a source, or all): summed counts and index agreement.
public struct EvaluationSummary: Sendable, Equatable {
    public var name: String
    public var counts: EvaluationCounts
    /// Over the images with positivity labels.
    public var index: IndexAgreement

    public init(name: String, images: [ImageEvaluation]) {
        self.name = name
        counts = images.reduce(EvaluationCounts()) { $0 + $1.counts }
        index = IndexAgreement(images.compactMap { e in e.truthIndex.map { ($0, e.measuredIndex) } })
    }
}
