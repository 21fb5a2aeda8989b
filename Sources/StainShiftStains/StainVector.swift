import Foundation

/// What a stain is for. Stains are named by role, never by index.
public enum StainRole: String, Sendable, Codable, CaseIterable {
    case hematoxylin, eosin, dab, aec, residual
}

/// An RGB optical-density direction of one stain, always of unit length.
public struct StainVector: Sendable, Equatable, Codable {
    public let role: StainRole
    public let r: Double, g: Double, b: Double

    /// Normalises `(r, g, b)`; rejects zero, negative or non-finite components.
    public init(role: StainRole, r: Double, g: Double, b: Double) throws(StainError) {
        guard r.isFinite, g.isFinite, b.isFinite else {
            throw StainError.invalidVector("\(role.rawValue): components must be finite numbers")
        }
        guard r >= 0, g >= 0, b >= 0 else {
            throw StainError.invalidVector("\(role.rawValue): components must not be negative")
        }
        let norm = (r * r + g * g + b * b).squareRoot()
        guard norm > 1e-9 else { throw StainError.invalidVector("\(role.rawValue): zero vector") }
        self.role = role
        self.r = r / norm; self.g = g / norm; self.b = b / norm
    }

    /// Builds from already-validated unit components (used for computed vectors such as cross products).
    init(unchecked role: StainRole, _ r: Double, _ g: Double, _ b: Double) {
        self.role = role; self.r = r; self.g = g; self.b = b
    }

    public var components: [Double] { [r, g, b] }
}

/// A problem with stain vectors or a stain matrix.
public enum StainError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidVector(String)
    case singular(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidVector(let s): "invalid stain vector: \(s)"
        case .singular(let s): "singular stain matrix: \(s)"
        case .malformed(let s): "malformed stain description: \(s)"
        }
    }
}
