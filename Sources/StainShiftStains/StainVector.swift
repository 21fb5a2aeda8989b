import Foundation

/// What a stain is for. Stains are named by role, never by index.
public enum StainRole: String, Sendable, Codable, CaseIterable {
    case hematoxylin, eosin, dab, aec, residual
}

/// An RGB optical-density direction of one stain, always of unit length.
///
/// Components are the OD each channel (R, G, B) takes per unit of stain (Ruifrok & Johnston 2001).
public struct StainVector: Sendable, Equatable, Hashable {
    public let role: StainRole
    public let r: Double, g: Double, b: Double

    /// Normalises `(r, g, b)`; rejects zero, negative or non-finite components.
    ///
    /// A vector that is already of unit length (within 1e-12) is kept bit for bit, so text and
    /// JSON forms round-trip exactly.
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
        if abs(norm - 1) <= 1e-12 {
            self.r = r; self.g = g; self.b = b
        } else {
            self.r = r / norm; self.g = g / norm; self.b = b / norm
        }
    }

    /// Builds from already-validated unit components (used for computed vectors such as cross products).
    init(unchecked role: StainRole, _ r: Double, _ g: Double, _ b: Double) {
        self.role = role; self.r = r; self.g = g; self.b = b
    }

    public var components: [Double] { [r, g, b] }

    /// The same direction under another role.
    public func with(role: StainRole) -> StainVector { StainVector(unchecked: role, r, g, b) }

    /// Angle in degrees between this direction and `other` (0 = same direction).
    public func angleDegrees(to other: StainVector) -> Double {
        let dot = min(1, max(-1, r * other.r + g * other.g + b * other.b))
        return acos(dot) * 180 / .pi
    }

    /// The RGB an 8-bit camera sees through `amount` OD units of this stain on a white background:
    /// `255 * 10^(-amount * vector)`, as ImageJ's Colour Deconvolution shows each stain.
    public func colour(amount: Double) -> (UInt8, UInt8, UInt8) {
        func c(_ v: Double) -> UInt8 {
            let x = 255 * pow(10, -max(0, amount) * v)
            return UInt8(min(255, max(0, x.rounded())))
        }
        return (c(r), c(g), c(b))
    }
}

extension StainVector: Codable {
    enum CodingKeys: String, CodingKey { case role, r, g, b }

    /// Decoding validates like `init(role:r:g:b:)`: JSON cannot smuggle in a zero or negative vector.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .role)
        guard let role = StainRole(rawValue: name) else {
            throw StainError.malformed("unknown stain role '\(name)' (known: \(StainRole.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        try self.init(role: role, r: c.decode(Double.self, forKey: .r), g: c.decode(Double.self, forKey: .g),
                      b: c.decode(Double.self, forKey: .b))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role.rawValue, forKey: .role)
        try c.encode(r, forKey: .r); try c.encode(g, forKey: .g); try c.encode(b, forKey: .b)
    }
}
