import Foundation

/// Runs the built `stainshift` binary (or another executable) and captures its output.
///
/// stdout and stderr are drained at the same time, each on its own thread: read one after the
/// other, a child that fills the other pipe (64 KiB on Linux) blocks on its write and never exits.
struct CLIRun {
    let stdout: String
    let stderr: String
    let status: Int32

    static func binary() -> URL {
        // Tests run from the package's build folder; the executable sits beside the test bundle.
        let bundle = Bundle.main.bundleURL
        return bundle.appendingPathComponent("stainshift")
    }

    static func run(_ arguments: [String], in directory: URL? = nil, executable: URL = binary()) throws -> CLIRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = Drain(out.fileHandleForReading), e = Drain(err.fileHandleForReading)
        let stdout = o.wait(), stderr = e.wait()
        process.waitUntilExit()
        return CLIRun(stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
                      status: process.terminationStatus)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class Drain: @unchecked Sendable {
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let bytes = handle.readDataToEndOfFile()
            lock.withLock { data = bytes }
            finished.signal()
        }
    }

    /// Everything the pipe carried, once its writer has closed it.
    func wait() -> Data {
        finished.wait()
        return lock.withLock { data }
    }
}
