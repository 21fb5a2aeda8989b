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
}
