/// A problem with an annotation list, an annotation file or an image of an evaluation: one line
/// naming the file, the line when there is one, and what is wrong.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let reason: String

    public init(path: String, line: Int? = nil, reason: String) {
        self.path = path; self.line = line; self.reason = reason
    }

    public var description: String {
        line.map { "\(path): line \($0): \(reason)" } ?? "\(path): \(reason)"
    }
}
