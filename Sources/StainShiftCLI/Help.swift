import Foundation

/// The Examples and Exit codes sections of every subcommand's help. The exit codes are the
/// CONTRACT's, worded once here (the README says them in "Everyday use").
enum Help {
    /// The CONTRACT's exit codes.
    enum Exit: Int32, CaseIterable {
        case success = 0
        case failure = 1
        case someInputsFailed = 3
        case usage = 64

        /// One line each, to fit an 80-column help screen.
        var meaning: [String] {
            switch self {
            case .success: ["success"]
            case .failure: ["runtime error (unreadable or broken input, unwritable output)"]
            case .someInputsFailed: ["some inputs failed (listed in failures.tsv); the rest were scored",
                                     "and every output written; 0 with --keep-going"]
            case .usage: ["usage error (bad flags or values, unusable manifest, marker or stain file)"]
            }
        }
    }

    /// Codes of a command that works on its inputs as a whole.
    static let single: [Exit] = [.success, .failure, .usage]
    /// Codes of a batch command, which goes on past a failed input.
    static let batch: [Exit] = [.success, .failure, .someInputsFailed, .usage]

    /// `text` (if any), then "Examples:" with one command line each, then "Exit codes:".
    static func discussion(_ text: String? = nil, examples: [String], exits: [Exit] = single) -> String {
        var parts: [String] = []
        if let text { parts.append(text) }
        parts.append((["Examples:"] + examples.map { "  " + $0 }).joined(separator: "\n"))
        parts.append((["Exit codes:"] + exits.flatMap { exit in
            exit.meaning.enumerated().map { i, line in
                "  " + (i == 0 ? String(exit.rawValue) : "").padding(toLength: 4, withPad: " ", startingAt: 0) + line
            }
        }).joined(separator: "\n"))
        return parts.joined(separator: "\n\n")
    }
}
