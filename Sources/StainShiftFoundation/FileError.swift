/// Every failure of reading or writing a file (an image, a table, a report): the file and a
/// plain-English reason.
///
/// `description` is one line, `<path>: <reason>`, ready for `stainshift <command>: ` in front.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
