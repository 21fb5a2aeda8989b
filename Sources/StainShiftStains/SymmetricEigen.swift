import Foundation

/// Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations
/// (Golub & Van Loan, Matrix Computations, 4th ed., section 8.5): accurate and branch-light.
enum SymmetricEigen {
    /// Eigenvalues in descending order with their unit eigenvectors; `m` is row-major.
    static func decompose(_ m: [Double]) -> (values: (Double, Double, Double), vectors: [(Double, Double, Double)]) {
        var a = m
        var v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        for _ in 0..<50 {
            let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
            if off < 1e-30 * max(1e-300, a[0] * a[0] + a[4] * a[4] + a[8] * a[8]) { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let apq = a[3 * p + q]
                if apq == 0 { continue }
                let theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq)
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                // a = J^T a J on rows/columns p and q.
                for k in 0..<3 {
                    let akp = a[3 * k + p], akq = a[3 * k + q]
                    a[3 * k + p] = c * akp - s * akq
                    a[3 * k + q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[3 * p + k], aqk = a[3 * q + k]
                    a[3 * p + k] = c * apk - s * aqk
                    a[3 * q + k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[3 * k + p], vkq = v[3 * k + q]
                    v[3 * k + p] = c * vkp - s * vkq
                    v[3 * k + q] = s * vkp + c * vkq
                }
            }
        }
        let order = [0, 1, 2].sorted { a[4 * $0] > a[4 * $1] }
        let vectors = order.map { (v[$0], v[3 + $0], v[6 + $0]) }
        return ((a[4 * order[0]], a[4 * order[1]], a[4 * order[2]]), vectors)
    }
}
