import Foundation
import Testing

@Suite struct VersionTests {
    static func matches(_ line: String, _ pattern: String) -> Bool {
        line.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func versionIsTheBareFirstLineThenTheImageLibraries() throws {
        let r = try CLIRun.run(["--version"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(Self.matches(lines.first ?? "", #"^\d+\.\d+\.\d+$"#))
        #expect(lines.count == 4, "\(lines)")
        guard lines.count == 4 else { return }
        #expect(Self.matches(lines[1], #"^libtiff: LIBTIFF, Version 4\.\d+\.\d+$"#), "\(lines[1])")
        #expect(Self.matches(lines[2], #"^libpng: 1\.\d+\.\d+$"#), "\(lines[2])")
        #expect(Self.matches(lines[3], #"^libjpeg: (libjpeg-turbo \d+\.\d+\.\d+ \()?libjpeg API \d+\)?$"#), "\(lines[3])")
        #expect(r.stderr.isEmpty)
    }

    @Test func missingFileIsOneLineAndExitOne() throws {
        let r = try CLIRun.run(["info", "/nonexistent/tile.png"])
        #expect(r.status == 1)
        #expect(r.stderr == "stainshift info: /nonexistent/tile.png: no such file\n")
    }

    /// 256 KiB on each stream, stderr first: four times a Linux pipe's buffer, so a helper reading
    /// stdout to its end before stderr would wait forever on a child blocked writing stderr.
    @Test func runnerDrainsAFullStderrAndStdoutTogether() throws {
        let script = "head -c 262144 /dev/zero | tr '\\0' e >&2; head -c 262144 /dev/zero | tr '\\0' o; exit 5"
        let r = try CLIRun.run(["-c", script], executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(r.status == 5)
        #expect(r.stderr.utf8.count == 262_144 && r.stderr.allSatisfy { $0 == "e" })
        #expect(r.stdout.utf8.count == 262_144 && r.stdout.allSatisfy { $0 == "o" })
    }
}
