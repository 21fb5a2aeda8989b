import Foundation

/// Three unit-length stain vectors (rows) and the inverse used to unmix optical density.
///
/// `concentrations = OD x inverse`, as in Ruifrok & Johnston (2001), Anal Quant Cytol Histol 23:291-299.
/// A missing third row is the normalised cross product of the first two (role `.residual`).
public struct StainMatrix: Sendable, Equatable, Hashable {
    public let stains: [StainVector]
    /// Row-major 3x3 inverse of the matrix whose rows are `stains`.
    public let inverse: [Double]
    /// True when the third row was computed as the cross product rather than given.
    public let derivedThird: Bool

    /// Smallest |determinant| accepted: below it two stains are within ~0.6 degrees of each other
    /// and unmixing would amplify noise more than 100-fold.
    public static let minimumDeterminant = 0.01

    public init(_ first: StainVector, _ second: StainVector, _ given: StainVector? = nil) throws(StainError) {
        let third: StainVector
        if let given { third = given } else { third = try StainMatrix.cross(first, second) }
        let roles = [first.role, second.role, third.role]
        for (i, role) in roles.enumerated() where roles[..<i].contains(role) {
            throw StainError.malformed("stain role '\(role.rawValue)' appears twice")
        }
        let m = [first.r, first.g, first.b, second.r, second.g, second.b, third.r, third.g, third.b]
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
        guard abs(det) >= StainMatrix.minimumDeterminant else {
            throw StainError.singular("\(first.role.rawValue), \(second.role.rawValue) and \(third.role.rawValue) are (nearly) linearly dependent (determinant \(det))")
        }
        let inv = [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        ]
        self.stains = [first, second, third]
        self.inverse = inv
        self.derivedThird = given == nil
    }

    static func cross(_ a: StainVector, _ b: StainVector) throws(StainError) -> StainVector {
        let x = a.g * b.b - a.b * b.g, y = a.b * b.r - a.r * b.b, z = a.r * b.g - a.g * b.r
        let norm = (x * x + y * y + z * z).squareRoot()
        guard norm >= StainMatrix.minimumDeterminant else {
            throw StainError.singular("\(a.role.rawValue) and \(b.role.rawValue) are (nearly) parallel")
        }
        // The residual direction is only defined up to sign; keep it on the positive octant's side.
        let s = (x + y + z) < 0 ? -1.0 : 1.0
        return StainVector(unchecked: .residual, s * x / norm, s * y / norm, s * z / norm)
    }

    /// Row index of a stain role, if the matrix has it.
    public func index(of role: StainRole) -> Int? { stains.firstIndex { $0.role == role } }

    /// The vector of a role, if the matrix has it.
    public func vector(_ role: StainRole) -> StainVector? { index(of: role).map { stains[$0] } }

    /// The stains that were given (two when the third is the derived residual).
    public var givenStains: [StainVector] { derivedThird ? Array(stains[0..<2]) : stains }

    /// Angle in degrees between this set's and `other`'s vectors of the same role (residual excluded):
    /// the stain drift between two batches, e.g. pre- and post-treatment slides.
    public func driftDegrees(from other: StainMatrix) -> [StainRole: Double] {
        var out: [StainRole: Double] = [:]
        for v in stains where v.role != .residual {
            if let w = other.vector(v.role) { out[v.role] = v.angleDegrees(to: w) }
        }
        return out
    }
}

// MARK: - Text form

extension StainMatrix {
    /// `role:r,g,b;role:r,g,b[;role:r,g,b]`, e.g. `hematoxylin:0.650,0.704,0.286;dab:0.268,0.570,0.776`.
    /// The third stain is written only when it was given, so `StainMatrix(parsing: m.text) == m`.
    public var text: String {
        givenStains.map { "\($0.role.rawValue):\($0.r),\($0.g),\($0.b)" }.joined(separator: ";")
    }

    /// Parses the text form; whitespace around tokens is ignored.
    public init(parsing text: String) throws(StainError) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 2 || parts.count == 3 else {
            throw StainError.malformed("expected 2 or 3 stains separated by ';' (role:r,g,b;role:r,g,b) but found \(parts.count) in '\(text)'")
        }
        var vectors: [StainVector] = []
        for part in parts {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2 else {
                throw StainError.malformed("expected 'role:r,g,b' but found '\(part)'")
            }
            let name = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard let role = StainRole(rawValue: name) else {
                throw StainError.malformed("unknown stain role '\(name)' (known: \(StainRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let numbers = pieces[1].split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard numbers.count == 3 else {
                throw StainError.malformed("\(name): expected three numbers r,g,b but found '\(pieces[1])'")
            }
            var rgb: [Double] = []
            for n in numbers {
                guard let v = Double(n) else { throw StainError.malformed("\(name): '\(n)' is not a number") }
                rgb.append(v)
            }
            vectors.append(try StainVector(role: role, r: rgb[0], g: rgb[1], b: rgb[2]))
        }
        try self.init(vectors[0], vectors[1], vectors.count == 3 ? vectors[2] : nil)
    }
}

// MARK: - JSON form

extension StainMatrix: Codable {
    enum CodingKeys: String, CodingKey { case stains }

    /// `{"stains": [{"role": "hematoxylin", "r": 0.65, "g": 0.704, "b": 0.286}, {...}]}`; other keys
    /// are ignored, so the JSON `stainshift deconvolve` prints can be fed back with `--stains`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let vectors = try c.decode([StainVector].self, forKey: .stains)
        guard vectors.count == 2 || vectors.count == 3 else {
            throw StainError.malformed("expected 2 or 3 stains but found \(vectors.count)")
        }
        try self.init(vectors[0], vectors[1], vectors.count == 3 ? vectors[2] : nil)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(givenStains, forKey: .stains)
    }

    /// Reads the JSON form from a file.
    public static func load(_ path: String) throws(StainError) -> StainMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw StainError.file(path, .malformed(exists ? "cannot be read" : "no such file"))
        }
        do {
            return try JSONDecoder().decode(StainMatrix.self, from: data)
        } catch let error as StainError {
            throw StainError.file(path, error)
        } catch let DecodingError.keyNotFound(key, _) {
            throw StainError.file(path, .malformed("missing key '\(key.stringValue)'"))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let at = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw StainError.file(path, .malformed("wrong type at '\(at)'"))
        } catch {
            throw StainError.file(path, .malformed("not valid JSON"))
        }
    }

    /// Whether a `--stains` value asks for the stains to be estimated from the image: `auto` or
    /// `auto:SET` (SET names the roles and the fallback).
    public static func isEstimated(_ spec: String) -> Bool { spec == "auto" || spec.hasPrefix("auto:") }

    /// A `--stains` value that may ask for estimation: whether it does, and the matrix it names,
    /// for `auto` / `auto:SET` the reference an estimate starts from (h-dab, or SET).
    public static func resolveEstimable(_ spec: String) throws(StainError) -> (estimated: Bool, matrix: StainMatrix) {
        guard isEstimated(spec) else { return (false, try resolve(spec)) }
        return (true, spec == "auto" ? StainPresets.hDAB : try resolve(String(spec.dropFirst(5))))
    }

    /// The matrix a `--stains` value names: a preset (`h-dab`, ...), the text form, or a JSON file.
    /// `auto` is not resolved here: estimation needs the image (see `StainEstimation`).
    public static func resolve(_ spec: String) throws(StainError) -> StainMatrix {
        if let preset = StainPresets.named(spec) { return preset.matrix }
        if FileManager.default.fileExists(atPath: spec) || spec.lowercased().hasSuffix(".json") { return try load(spec) }
        if spec.contains(":") { return try StainMatrix(parsing: spec) }
        throw StainError.malformed("'\(spec)' is not a stain preset (\(StainPresets.all.map(\.name).joined(separator: ", ")), auto), a stain text (role:r,g,b;role:r,g,b) or an existing JSON file")
    }
}
