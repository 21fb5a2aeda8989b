import CSV
import Foundation

/// One usable row of a manifest: one tile image of one slide.
public struct ManifestRow: Sendable, Equatable, Codable {
    /// Line in the manifest file (1-based, the header is line 1; records are counted, so a quoted
    /// field spanning lines shifts later numbers).
    public var line: Int
    public var patient: String
    public var timepoint: Timepoint
    public var marker: String
    /// The image path as written in the manifest.
    public var image: String
    /// The image path resolved against the manifest's folder.
    public var path: String
    /// The `slide` column, else `patient_timepoint_marker`.
    public var slide: String
    /// The `pixel_size` column (µm per pixel), when given.
    public var pixelSize: Double?
    /// The `stains` column (preset name, `auto` or a JSON file), when given.
    public var stains: String?
    /// The `outcome` column (1 responder, 0 not), when given.
    public var outcome: Int?
    /// The `regions` column: a QuPath GeoJSON of regions to score inside (as `score --regions`),
    /// resolved against the manifest's folder; nil when empty.
    public var regions: String? = nil
    /// The `region_class` column: score only the regions of this class (needs `regions`).
    public var regionClass: String? = nil
    /// The `cell_classifier` column: `morphology` (the rule), `default` (the shipped model) or a
    /// model file from `stainshift train-cells` (resolved against the manifest's folder), in place
    /// of the command's `--cell-classifier`; nil when empty.
    public var cellClassifier: String? = nil
}

/// One slide of a manifest: tiles sharing a slide id, patient, timepoint and marker.
public struct ManifestSlide: Sendable, Equatable, Codable {
    public var id: String
    public var patient: String
    public var timepoint: Timepoint
    public var marker: String
    public var rows: [ManifestRow]
    public var pixelSize: Double? { rows.first?.pixelSize }
    public var stains: String? { rows.first?.stains }
}

/// A manifest that cannot be used at all: a usage error (exit 64 in the CLI).
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}

/// A parsed and validated sample sheet. Rows that cannot be used become `failures` (with their
/// line and problem) while the rest runs; only an unreadable file or missing columns throw.
public struct Manifest: Sendable {
    public static let requiredColumns = ["patient", "timepoint", "marker", "image"]
    /// `cell_classifier` values that name no file: the morphology rule and the shipped model.
    public static let namedCellClassifiers: Set<String> = ["morphology", "default"]

    /// The manifest path as given.
    public let path: String
    /// The folder image paths are relative to.
    public let folder: String
    public let rows: [ManifestRow]
    public let failures: [FailureRecord]
    /// Outcome per patient, for patients whose rows carry one.
    public let outcomes: [String: Int]

    /// Slides in a stable order: patient, marker, timepoint, slide id.
    public var slides: [ManifestSlide] {
        var byID: [String: ManifestSlide] = [:]
        var order: [String] = []
        for row in rows {
            if byID[row.slide] == nil {
                byID[row.slide] = ManifestSlide(id: row.slide, patient: row.patient, timepoint: row.timepoint,
                                                marker: row.marker, rows: [])
                order.append(row.slide)
            }
            byID[row.slide]?.rows.append(row)
        }
        return order.compactMap { byID[$0] }.sorted { a, b in
            (a.patient, a.marker, a.timepoint == .pre ? 0 : 1, a.id) < (b.patient, b.marker, b.timepoint == .pre ? 0 : 1, b.id)
        }
    }

    /// Patients in sorted order, including those whose every row failed validation but still have
    /// a readable patient id (they are reported as `insufficient`).
    public let patients: [String]

    /// Reads and validates `path`. `knownMarkers` are the marker names a row may use.
    /// - Throws: `ManifestError` when the file cannot be read, is empty or lacks required columns.
    public static func load(_ path: String, knownMarkers: Set<String>,
                            checkFiles: Bool = true) throws(ManifestError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ManifestError(path: path, reason: exists ? "cannot be read" : "no such file")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw ManifestError(path: path, reason: "is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, path: path, folder: folder, knownMarkers: knownMarkers, checkFiles: checkFiles)
    }

    /// Comma or tab: the extension decides (`.tsv`, `.tab`, `.csv`), else a tab in the header line.
    static func delimiter(path: String, text: String) -> UnicodeScalar {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "tsv" || ext == "tab" { return "\t" }
        if ext == "csv" { return "," }
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" }
        return header.contains("\t") ? "\t" : ","
    }

    /// Parses manifest text. Image paths are resolved against `folder`.
    public static func parse(_ text: String, path: String, folder: String, knownMarkers: Set<String>,
                             checkFiles: Bool = true) throws(ManifestError) -> Manifest {
        let delimiter = delimiter(path: path, text: text)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true, delimiter: delimiter)
        } catch {
            throw ManifestError(path: path, reason: "has no header row")
        }
        guard let rawHeader = reader.headerRow, rawHeader.contains(where: { !$0.isEmpty }) else {
            throw ManifestError(path: path, reason: "is empty (no header row)")
        }
        let header = rawHeader.map { $0.lowercased() }
        let missing = requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else {
            let kind = delimiter == "\t" ? "tab" : "comma"
            throw ManifestError(path: path, reason: "line 1: missing required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) (\(kind)-separated header: \(rawHeader.joined(separator: ", ")))")
        }
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() where column[name] == nil { column[name] = i }

        var validator = RowValidator(folder: folder, knownMarkers: knownMarkers, checkFiles: checkFiles)
        var line = 1
        var sawRow = false
        while let fields = reader.next() {
            line += 1
            if fields.allSatisfy({ $0.isEmpty }) { continue }
            sawRow = true
            validator.add(fields: fields, line: line, column: column, headerCount: header.count)
        }
        if let error = reader.error {
            throw ManifestError(path: path, reason: "line \(line): cannot be parsed: \(error)")
        }
        guard sawRow else { throw ManifestError(path: path, reason: "has a header but no rows") }
        return Manifest(path: path, folder: folder, rows: validator.rows, failures: validator.failures,
                        outcomes: validator.outcomes, patients: validator.patients.sorted())
    }
}
