import CSV
import Foundation

/// A small CSV/TSV file as header names (lower-cased) and rows with their line numbers, read with
/// the CSV library. The delimiter is a tab for `.tsv`, a comma for `.csv`, else a tab when the
/// header line holds one.
struct DelimitedText {
    let path: String
    let header: [String]
    /// Each data row with its 1-based line number in the file (the header is line 1).
    let rows: [(line: Int, fields: [String: String])]

    static func read(_ path: String) throws(EvaluationError) -> DelimitedText {
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw EvaluationError(path: path, reason: exists ? "cannot be read as UTF-8 text" : "no such file")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        let first = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter: UnicodeScalar = ext == "tsv" ? "\t" : ext == "csv" ? "," : (first.contains("\t") ? "\t" : ",")
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true, delimiter: delimiter)
        } catch { throw EvaluationError(path: path, reason: "has no header row") }
        guard let header = reader.headerRow?.map({ $0.lowercased() }), !header.allSatisfy(\.isEmpty) else {
            throw EvaluationError(path: path, reason: "has no header row")
        }
        var rows: [(Int, [String: String])] = []
        var line = 1
        while let fields = reader.next() {
            line += 1
            if fields.allSatisfy({ $0.isEmpty }) { continue }
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() where i < fields.count { row[name] = fields[i] }
            rows.append((line, row))
        }
        return DelimitedText(path: path, header: header, rows: rows)
    }

    /// Throws unless every name is a column.
    func require(_ names: [String]) throws(EvaluationError) {
        let missing = names.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw EvaluationError(path: path, reason: "missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
    }
}
