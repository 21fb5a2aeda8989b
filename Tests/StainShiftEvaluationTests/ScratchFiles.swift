import Foundation

/// A test suite's own temporary folder, and small text files written into it.
struct ScratchFiles: Sendable {
    let dir: URL

    /// A new folder under the system's temporary directory, named `prefix-<random>`.
    init(_ prefix: String) {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in the folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
