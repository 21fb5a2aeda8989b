import Foundation
import StainShiftScoring

/// A JSON value whose objects keep the order they were built in: MultiQC shows table
/// columns in the order of `headers`, so that file is written with this rather than
/// `JSONEncoder` (which sorts or hashes keys).
indirect enum OrderedJSON {
    case string(String)
    case number(Double)
    /// A score written as in the TSV tables (`ReportFormat.number`), so dashboards show the
    /// same digits as the tables.
    case decimal(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    func text(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .string(let s): return Self.quote(s)
        case .number(let x):
            guard x.isFinite else { return "null" }
            return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .decimal(let x): return x.isFinite ? ReportFormat.number(x) : "null"
        case .integer(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { inner + Self.quote($0.0) + ": " + $0.1.text(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + pad + "}"
        }
    }

    /// A JSON string literal (RFC 8259 section 7), escaped as the scoring stage's JSON is.
    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
