import Foundation

/// L2-regularised logistic regression on standardised features, fitted by Newton-Raphson
/// (iteratively reweighted least squares; Hastie, Tibshirani & Friedman, ESL §4.4). The intercept
/// is not penalised. Missing features are imputed with the training mean (0 once standardised).
public struct LogisticModel: Sendable, Equatable, Codable {
    public static let formatName = "stainshift-logistic/1"
    public var format: String = LogisticModel.formatName
    public var features: [String]
    public var means: [Double]
    public var scales: [Double]
    public var intercept: Double
    public var coefficients: [Double]
    /// L2 penalty λ on the standardised coefficients.
    public var lambda: Double
    /// Probability at or above which a patient is called a likely responder.
    public var threshold: Double
    public var crossValidation: CrossValidationSummary?
    public var trainedOn: Int = 0
    public var positives: Int = 0

    public init(features: [String], means: [Double], scales: [Double], intercept: Double, coefficients: [Double],
                lambda: Double, threshold: Double, crossValidation: CrossValidationSummary?, trainedOn: Int = 0, positives: Int = 0) {
        self.features = features; self.means = means; self.scales = scales; self.intercept = intercept
        self.coefficients = coefficients; self.lambda = lambda; self.threshold = threshold
        self.crossValidation = crossValidation; self.trainedOn = trainedOn; self.positives = positives
    }

    enum CodingKeys: String, CodingKey {
        case format, features, means, scales, intercept, coefficients, lambda, threshold, positives
        case crossValidation = "cross_validation", trainedOn = "trained_on"
    }

    /// Probability of benefit for one feature row (nil entries imputed with the mean).
    public func probability(_ row: [Double?]) -> Double {
        var z = intercept
        for j in 0..<features.count {
            guard j < row.count, let v = row[j], v.isFinite else { continue }
            z += coefficients[j] * (v - means[j]) / scales[j]
        }
        return 1 / (1 + exp(-z))
    }

    /// Fits on `rows` (patients x features) and 0/1 `labels`.
    public static func fit(features: [String], rows: [[Double?]], labels: [Int], lambda: Double = 1,
                           threshold: Double = 0.5) -> LogisticModel {
        let p = features.count, n = rows.count
        var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let col = rows.compactMap { $0[j] }.filter(\.isFinite)
            guard !col.isEmpty else { continue }
            let m = col.reduce(0, +) / Double(col.count)
            let v = col.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(col.count)
            means[j] = m
            scales[j] = v > 1e-24 ? v.squareRoot() : 1
        }
        // Standardised design with a leading column of ones.
        let x: [[Double]] = rows.map { row in
            [1] + (0..<p).map { j in
                guard let v = row[j], v.isFinite else { return 0 }
                return (v - means[j]) / scales[j]
            }
        }
        let y = labels.map(Double.init)
        var w = [Double](repeating: 0, count: p + 1)
        let prior = y.reduce(0, +) / Double(max(n, 1))
        if prior > 0 && prior < 1 { w[0] = log(prior / (1 - prior)) }
        for _ in 0..<100 {
            var grad = [Double](repeating: 0, count: p + 1)
            var hess = [Double](repeating: 0, count: (p + 1) * (p + 1))
            for i in 0..<n {
                var z = 0.0
                for j in 0...p { z += w[j] * x[i][j] }
                let mu = 1 / (1 + exp(-z))
                let r = max(mu * (1 - mu), 1e-10)
                for j in 0...p {
                    grad[j] += (y[i] - mu) * x[i][j]
                    for k in 0...p { hess[j * (p + 1) + k] += r * x[i][j] * x[i][k] }
                }
            }
            for j in 1..<(p + 1) { grad[j] -= lambda * w[j]; hess[j * (p + 1) + j] += lambda }
            hess[0] += 1e-8
            guard let step = solve(hess, grad, size: p + 1) else { break }
            var largest = 0.0
            for j in 0...p { w[j] += step[j]; largest = max(largest, abs(step[j])) }
            if largest < 1e-10 { break }
        }
        return LogisticModel(features: features, means: means, scales: scales, intercept: w[0],
                             coefficients: Array(w.dropFirst()), lambda: lambda, threshold: threshold,
                             crossValidation: nil, trainedOn: n, positives: labels.filter { $0 == 1 }.count)
    }

    /// Solves `a x = b` (row-major, size x size) by Gaussian elimination with partial pivoting.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var m = a, v = b
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(n, col + 1) where abs(m[r * n + col]) > abs(m[pivot * n + col]) { pivot = r }
            guard abs(m[pivot * n + col]) > 1e-14 else { return nil }
            if pivot != col {
                for k in 0..<n { m.swapAt(col * n + k, pivot * n + k) }
                v.swapAt(col, pivot)
            }
            for r in (col + 1)..<max(n, col + 1) {
                let f = m[r * n + col] / m[col * n + col]
                guard f != 0 else { continue }
                for k in col..<n { m[r * n + k] -= f * m[col * n + k] }
                v[r] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = v[r]
            for k in (r + 1)..<max(n, r + 1) { s -= m[r * n + k] * x[k] }
            x[r] = s / m[r * n + r]
        }
        return x
    }
}
