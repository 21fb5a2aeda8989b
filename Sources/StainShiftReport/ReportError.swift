/// A report could not be written or read back: the file and a plain-English reason.
///
/// `description` is one line, `<path>: <reason>`, ready for `stainshift report: ` in front.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
