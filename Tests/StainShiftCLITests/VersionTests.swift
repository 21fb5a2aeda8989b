import Foundation
import Testing

/// Runs the built `stainshift` binary and captures its output.
struct CLIRun {
    let stdout: String
    let stderr: String
    let status: Int32

    static func binary() -> URL {
        // Tests run from the package's build folder; the executable sits beside the test bundle.
        let bundle = Bundle.main.bundleURL
        return bundle.appendingPathComponent("stainshift")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = binary()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      status: process.terminationStatus)
    }
}

@Suite struct VersionTests {
    @Test func versionIsTheBareFirstLine() throws {
        let r = try CLIRun.run(["--version"])
        #expect(r.status == 0)
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
    }

    @Test func missingFileIsOneLineAndExitOne() throws {
        let r = try CLIRun.run(["info", "/nonexistent/tile.png"])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift info: /nonexistent/tile.png: no such file\n")
    }
}
