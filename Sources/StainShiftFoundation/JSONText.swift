import Foundation

/// StainShift's one JSON writer: a JSON value whose objects keep their key order, so the same
/// result prints byte-identically (score JSON, GeoJSON, evaluation JSON, MultiQC content).
/// A number without a value (NaN, infinity) is written as `null`: valid JSON that says "no value".
public indirect enum JSONText: Sendable, Equatable {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    /// Up to 4 decimals, trailing zeros dropped (`number(_:)`).
    case number(Double)
    /// Exactly `places` decimals, as the TSV tables write scores (`fixed(_:places:)`).
    case decimal(Double, places: Int)
    case int(Int)
    case bool(Bool)
    case null

    public static func == (a: JSONText, b: JSONText) -> Bool { a.render() == b.render() }

    /// Pretty-printed with two-space indents; short arrays of scalars stay on one line.
    public func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.map { "\(pad)\(JSONText.quote($0.0)): \($0.1.render(indent: indent + 1))" }
            return "{\n" + body.joined(separator: ",\n") + "\n\(end)}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }) {
                return "[" + items.map { $0.render() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .string(let s): return JSONText.quote(s)
        case .number(let v): return JSONText.number(v)
        case .decimal(let v, let places): return v.isFinite ? JSONText.fixed(v, places: places) : "null"
        case .int(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .null: return "null"
        }
    }

    /// On one line without spaces: one GeoJSON feature per line in `--cells-geojson`.
    public func compact() -> String {
        switch self {
        case .object(let members):
            return "{" + members.map { JSONText.quote($0.0) + ":" + $0.1.compact() }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        default: return render()
        }
    }

    /// Up to 4 decimals, trailing zeros dropped; a non-finite value is `null` (no value).
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// Exactly `places` decimals (0-12), `%.*f` rounding, negative zero without its sign: the digits
    /// the TSV tables and the MultiQC JSON share. The caller decides what a non-finite value is.
    public static func fixed(_ v: Double, places: Int) -> String {
        let text = String(format: "%.\(max(0, min(places, 12)))f", v)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// A JSON string literal (RFC 8259 section 7).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
