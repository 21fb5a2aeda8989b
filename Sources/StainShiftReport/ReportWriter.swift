import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftImaging
import StainShiftFoundation

/// Writes a run's report files: `report.html` for people, `report.json` for machines and
/// re-rendering, and MultiQC custom content for lab dashboards.
public enum ReportWriter {
    /// Printed at the top and bottom of report.html and stored in report.json.
    public static let researchUseOnly = "For research use only. Not for use in diagnostic procedures. "
        + "StainShift scores and benefit calls are research hypotheses that have not been clinically "
        + "validated; they must not guide the treatment of individual patients."

    public static let htmlFileName = "report.html"
    public static let jsonFileName = "report.json"
    public static let multiQCTableFileName = "stainshift_mqc.tsv"
    public static let multiQCJSONFileName = "stainshift_mqc.json"
    public static let overlaysFolderName = "overlays"

    /// Writes report.json, report.html, stainshift_mqc.tsv and stainshift_mqc.json into `outdir`
    /// (created when missing), each atomically. Thumbnails are read from `<outdir>/overlays`
    /// unless `options.overlaysDirectory` says otherwise.
    public static func write(_ result: CohortResult, to outdir: String, options: ReportOptions = .init()) throws {
        try makeDirectory(outdir)
        let json = try ReportDocument.encode(result)
        try AtomicFile.write(json, to: path(outdir, jsonFileName))
        try render(result, to: outdir, options: options)
    }

    /// Writes report.html and the MultiQC files only: what `stainshift report OUTDIR` redoes
    /// from an existing report.json, which it leaves untouched.
    public static func render(_ result: CohortResult, to outdir: String, options: ReportOptions = .init()) throws {
        try makeDirectory(outdir)
        var options = options
        if options.overlaysDirectory == nil { options.overlaysDirectory = path(outdir, overlaysFolderName) }
        try AtomicFile.write(html(result, options: options), to: path(outdir, htmlFileName))
        try AtomicFile.write(MultiQCContent.tsv(result, options: options), to: path(outdir, multiQCTableFileName))
        try AtomicFile.write(MultiQCContent.json(result, options: options), to: path(outdir, multiQCJSONFileName))
    }

    /// The self-contained HTML report (inline CSS and SVG, no scripts, no network).
    public static func html(_ result: CohortResult, options: ReportOptions) -> String {
        HTMLReport(CohortView(result, options: options)).render()
    }

    /// report.json text: sorted snake_case keys, `schema_version`, `units`, the research-use
    /// statement and every record of `result`. A result that JSON cannot hold yields a JSON
    /// object with an `error` key (`write` throws instead).
    public static func json(_ result: CohortResult) -> String {
        do {
            return try ReportDocument.encode(result)
        } catch {
            let message = error.description.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "{\"error\": \"\(message)\", \"schema_version\": \(ReportDocument.schemaVersion)}\n"
        }
    }

    /// Reads a report.json written by `write`; `path` may also be the run's folder.
    public static func load(jsonAt path: String) throws -> CohortResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path: path, reason: "no such file")
        }
        let file = isDirectory.boolValue ? Self.path(path, jsonFileName) : path
        if isDirectory.boolValue, !FileManager.default.fileExists(atPath: file) {
            throw FileError(path: file, reason: "no such file (is this the output folder of `stainshift run`?)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw FileError(path: file, reason: "cannot read: \(error.localizedDescription)")
        }
        return try ReportDocument.decode(data, path: file)
    }

    /// Name of a representative tile's overlay PNG inside `overlays/`:
    /// `<patient>_<marker>_<timepoint>.png`. Characters other than ASCII letters, digits, `-`, `.`
    /// and `_` (and a leading `.`) are percent-encoded as UTF-8 bytes, so any patient id gives a
    /// plain file name; `_` is also encoded inside the marker, so different (patient, marker)
    /// pairs never share a name.
    public static func overlayFileName(patient: String, marker: String, timepoint: Timepoint) -> String {
        "\(fileSafe(patient, keepUnderscore: true))_\(fileSafe(marker, keepUnderscore: false))_\(timepoint.rawValue).png"
    }

    static func fileSafe(_ text: String, keepUnderscore: Bool) -> String {
        var out = ""
        for (i, byte) in text.utf8.enumerated() {
            let c = Character(Unicode.Scalar(byte))
            let plain = (byte < 0x80) && (c.isLetter || c.isNumber || c == "-" || (c == "." && i > 0)
                                          || (c == "_" && keepUnderscore))
            out += plain ? String(c) : String(format: "%%%02X", byte)
        }
        return out.isEmpty ? "%00" : out
    }

    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    private static func makeDirectory(_ outdir: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: outdir, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError(path: outdir, reason: "not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: outdir, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: outdir, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }
}
