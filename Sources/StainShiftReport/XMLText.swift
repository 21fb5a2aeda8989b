/// Escaping for text that ends up in report.html: the report is written as XHTML-compatible
/// HTML, so it opens in browsers and parses with any XML parser. Patient ids, file names and
/// error messages are user input and always go through here.
enum XMLText {
    /// Escapes `& < > " '` and replaces characters XML 1.0 forbids (C0 controls other than tab,
    /// newline and carriage return; U+FFFE, U+FFFF) with U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `text` with what XML 1.0 forbids replaced by U+FFFD, as `escape` does, for text that
    /// Mustache escapes afterwards (`{{ }}` in the report templates). Mustache escapes whole
    /// characters, so a combining mark right after `& < > " '` would hide it from the escaping:
    /// such a mark is set on U+25CC (dotted circle), as Unicode shows a mark without a base, and
    /// any other cluster that would still hold one of them has it replaced by U+FFFD.
    static func sanitized(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousSpecial = false
        var ascii = true
        for scalar in text.unicodeScalars {
            ascii = ascii && scalar.isASCII
            let forbidden = (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
                || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            let replaced: Unicode.Scalar = forbidden ? "\u{FFFD}" : scalar
            if previousSpecial, replaced.properties.isGraphemeExtend || replaced == "\u{200D}"
                || replaced.properties.generalCategory == .spacingMark {
                out.append("\u{25CC}")
            }
            out.append(replaced)
            previousSpecial = special.contains(replaced)
        }
        // Any other cluster that still holds one of them (a prepended mark before it): U+FFFD.
        let joined = String(out)
        guard !ascii, joined.contains(where: { $0.unicodeScalars.count > 1 && $0.unicodeScalars.contains(where: special.contains) }) else {
            return joined
        }
        var safe = String.UnicodeScalarView()
        for character in joined {
            let hidden = character.unicodeScalars.count > 1
            for scalar in character.unicodeScalars { safe.append(hidden && special.contains(scalar) ? "\u{FFFD}" : scalar) }
        }
        return String(safe)
    }

    private static let special: Set<Unicode.Scalar> = ["&", "<", ">", "\"", "'"]
}

