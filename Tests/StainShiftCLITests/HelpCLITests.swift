import Foundation
import Testing

@Suite struct HelpCLITests {
    /// Subcommand names listed under SUBCOMMANDS in a help text.
    static func subcommands(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        // "  name    abstract" entries up to the first blank line; wrapped abstracts are indented deeper.
        return lines[(start + 1)...].prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Every subcommand (and each of its own subcommands), found from the help itself so a new
    /// command is checked too.
    static func allCommands() throws -> [[String]] {
        var found: [[String]] = [], queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            let help = try CLIRun.run(path + ["--help"])
            for name in subcommands(help.stdout) where name != "help" {
                found.append(path + [name]); queue.append(path + [name])
            }
        }
        return found
    }

    @Test func everySubcommandsHelpHasExamplesAndExitCodes() throws {
        let commands = try Self.allCommands()
        for expected in [["score"], ["run"], ["score-slide"], ["cohort"], ["synth"], ["synth", "tile"], ["report"]] {
            #expect(commands.contains(expected), "\(expected) not found in \(commands)")
        }
        for command in commands {
            let r = try CLIRun.run(command + ["--help"])
            let name = command.joined(separator: " ")
            #expect(r.status == 0, "\(name)")
            #expect(r.stdout.contains("Examples:"), "\(name)")
            #expect(r.stdout.contains("Exit codes:"), "\(name)")
            // Each example is a command line of this very command.
            #expect(r.stdout.contains("  stainshift \(name) "), "\(name)")
            for code in ["0   success", "1   runtime error", "64  usage error"] {
                #expect(r.stdout.contains("  \(code)"), "\(name): \(code)")
            }
            let batch = ["run", "score-slide", "cohort", "evaluate"].contains(name)
            #expect(r.stdout.contains("  3   some inputs failed") == batch, "\(name)")
        }
    }
}
