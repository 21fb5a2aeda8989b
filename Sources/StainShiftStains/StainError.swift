/// A problem with stain vectors, a stain matrix or a stain description.
///
/// `description` is one line, ready for `stainshift <command>: ` in front.
public enum StainError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidVector(String)
    case singular(String)
    case malformed(String)
    /// A problem found in a stain file: the path, then what is wrong.
    indirect case file(String, StainError)

    public var description: String {
        switch self {
        case .invalidVector(let s): "invalid stain vector: \(s)"
        case .singular(let s): "singular stain matrix: \(s)"
        case .malformed(let s): "malformed stain description: \(s)"
        case .file(let path, let inner): "\(path): \(inner)"
        }
    }
}
