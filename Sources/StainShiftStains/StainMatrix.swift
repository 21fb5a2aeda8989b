import Foundation

/// Three unit-length stain vectors (rows) and the inverse used to unmix optical density.
///
/// `concentrations = OD x inverse`, as in Ruifrok & Johnston (2001), Anal Quant Cytol Histol 23:291-299.
/// A missing third row is the normalised cross product of the first two (role `.residual`).
public struct StainMatrix: Sendable, Equatable {
    public let stains: [StainVector]
    /// Row-major 3x3 inverse of the matrix whose rows are `stains`.
    public let inverse: [Double]

    public init(_ first: StainVector, _ second: StainVector, _ given: StainVector? = nil) throws(StainError) {
        let third: StainVector
        if let given { third = given } else { third = try StainMatrix.cross(first, second) }
        let m = [first.r, first.g, first.b, second.r, second.g, second.b, third.r, third.g, third.b]
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
        guard abs(det) > 1e-6 else {
            throw StainError.singular("\(first.role.rawValue), \(second.role.rawValue) and \(third.role.rawValue) are linearly dependent")
        }
        let inv = [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        ]
        self.stains = [first, second, third]
        self.inverse = inv
    }

    static func cross(_ a: StainVector, _ b: StainVector) throws(StainError) -> StainVector {
        let x = a.g * b.b - a.b * b.g, y = a.b * b.r - a.r * b.b, z = a.r * b.g - a.g * b.r
        let norm = (x * x + y * y + z * z).squareRoot()
        guard norm > 1e-6 else {
            throw StainError.singular("\(a.role.rawValue) and \(b.role.rawValue) are parallel")
        }
        // The residual direction is only defined up to sign; keep it in the positive octant's side.
        let s = (x + y + z) < 0 ? -1.0 : 1.0
        return StainVector(unchecked: .residual, s * x / norm, s * y / norm, s * z / norm)
    }

    /// Row index of a stain role, if the matrix has it.
    public func index(of role: StainRole) -> Int? { stains.firstIndex { $0.role == role } }
}
