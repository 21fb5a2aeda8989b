/// A problem that stops a pipeline step: the file (or item) and what is wrong, on one line.
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case usage, runtime, interrupted }
    public let kind: Kind
    public let path: String
    public let reason: String

    public init(_ kind: Kind = .runtime, path: String, reason: String) {
        self.kind = kind; self.path = path; self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
