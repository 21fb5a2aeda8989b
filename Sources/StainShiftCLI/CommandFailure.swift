import ArgumentParser
import Foundation
import StainShift

/// A runtime failure of a subcommand: prints `stainshift <command>: <detail>` on one line
/// of stderr and exits with `code` (1 unless said otherwise).
struct CommandFailure: Error, CustomStringConvertible {
    let command: String
    let detail: String
    var code: Int32 = 1

    var description: String { "stainshift \(command): \(detail)" }
}

extension ParsableCommand {
    /// Runs `body`, turning any error into the CONTRACT's one-line message and exit code.
    func failing<T>(_ command: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CommandFailure {
            Stderr.line(error.description)
            throw ExitCode(error.code)
        } catch let error as ExitCode {
            throw error
        } catch {
            Stderr.line("stainshift \(command): \(error)")
            throw ExitCode(1)
        }
    }
}

/// Diagnostics go to stderr only, so stdout stays a result stream.
enum Stderr {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Writes `text` to `path`, or to stdout when `path` is `-`.
enum Output {
    static func write(_ text: String, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            try AtomicFile.write(text, to: path)
        }
    }
}
