import Foundation

/// A test's scratch folder under the system's temporary directory (`<prefix>-<UUID>`), the one
/// scratch folder of the test suites: paths in it, placeholder files (for manifests, whose
/// content does not matter) and small text files written into it.
public struct Scratch: Sendable {
    public let url: URL

    /// A new folder, with an empty file at each of `files` (relative paths; folders made as needed).
    public init(_ prefix: String = "stainshift-test", files: [String] = []) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for f in files {
            let u = url.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: u)
        }
    }

    /// A suite's folder, made once (`static let`): a folder that cannot be made shows up as the
    /// error of the first file written into it.
    public init(suite prefix: String) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }
}
