import CSV
import Foundation

/// A CSV or TSV file read with the CSV library: header names (lower-cased) and rows as
/// name → value. Used to read back StainShift's own tables and label files.
public struct DelimitedTable: Sendable {
    public let path: String
    public let header: [String]
    public let rows: [[String: String]]

    public static func read(_ path: String) throws(ManifestError) -> DelimitedTable {
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            throw ManifestError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "no such file")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true, delimiter: Manifest.delimiter(path: path, text: text))
        } catch { throw ManifestError(path: path, reason: "has no header row") }
        guard let header = reader.headerRow?.map({ $0.lowercased() }), !header.isEmpty else {
            throw ManifestError(path: path, reason: "has no header row")
        }
        var rows: [[String: String]] = []
        while let fields = reader.next() {
            if fields.allSatisfy({ $0.isEmpty }) { continue }
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() where i < fields.count { row[name] = fields[i] }
            rows.append(row)
        }
        return DelimitedTable(path: path, header: header, rows: rows)
    }

    /// Throws unless every name is a column.
    public func require(_ names: [String]) throws(ManifestError) {
        let missing = names.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw ManifestError(path: path, reason: "missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
    }
}
