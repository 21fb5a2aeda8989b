import Foundation
import StainShiftCohort

/// Reads what `train` and `classify` take: a run's changes.tsv, and outcomes from its groups.tsv
/// (the `outcome` column, filled from the manifest) or any CSV/TSV with `patient,outcome`.
public enum LabelledData {
    /// changes.tsv rows back into records (pre, post, interval and cell counts).
    public static func changes(_ path: String) throws(ClassifyError) -> [ChangeRecord] {
        let table: DelimitedTable
        do {
            table = try DelimitedTable.read(path)
            try table.require(["patient", "marker", "metric", "pre", "post", "ci_low", "ci_high"])
        } catch { throw ClassifyError(path: error.path, reason: error.reason) }
        var out: [ChangeRecord] = []
        for (i, row) in table.rows.enumerated() {
            func number(_ name: String) throws(ClassifyError) -> Double {
                let text = row[name] ?? ""
                if text == "NA" { return .nan }
                guard let v = Double(text) else {
                    throw ClassifyError(path: path, reason: "line \(i + 2): \(name) '\(text)' is not a number")
                }
                return v
            }
            var c = ChangeRecord(patient: row["patient"] ?? "", marker: row["marker"] ?? "", metric: row["metric"] ?? "",
                                 pre: try number("pre"), post: try number("post"), ciLow: try number("ci_low"), ciHigh: try number("ci_high"))
            c.preTiles = Int(row["pre_tiles"] ?? "") ?? 0
            c.postTiles = Int(row["post_tiles"] ?? "") ?? 0
            c.preTumourCells = Int(row["pre_tumour_cells"] ?? "") ?? 0
            c.postTumourCells = Int(row["post_tumour_cells"] ?? "") ?? 0
            out.append(c)
        }
        return out
    }

    /// Patient → 0/1 from a table with `patient` and `outcome` columns (`NA` and empty skipped).
    public static func outcomes(_ path: String) throws(ClassifyError) -> [String: Int] {
        let table: DelimitedTable
        do {
            table = try DelimitedTable.read(path)
            try table.require(["patient", "outcome"])
        } catch { throw ClassifyError(path: error.path, reason: error.reason) }
        var out: [String: Int] = [:]
        for (i, row) in table.rows.enumerated() {
            let text = (row["outcome"] ?? "").lowercased()
            if text.isEmpty || text == "na" { continue }
            guard let v = ["1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "responder": 1, "non_responder": 0][text] else {
                throw ClassifyError(path: path, reason: "line \(i + 2): outcome '\(text)' is not 1/0")
            }
            out[row["patient"] ?? ""] = v
        }
        return out
    }

    /// Where LABELLED's tables are: a run folder, or its changes.tsv (groups.tsv beside it).
    public static func locate(_ labelled: String) -> (changes: String, groups: String) {
        var isDirectory: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: labelled, isDirectory: &isDirectory) && isDirectory.boolValue
            ? URL(fileURLWithPath: labelled) : URL(fileURLWithPath: labelled).deletingLastPathComponent()
        let changes = isDirectory.boolValue ? folder.appendingPathComponent("changes.tsv").path : labelled
        return (changes, folder.appendingPathComponent("groups.tsv").path)
    }
}

extension LogisticModel {
    public static func load(_ path: String) throws(ClassifyError) -> LogisticModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClassifyError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        let model: LogisticModel
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { model = try decoder.decode(LogisticModel.self, from: data) } catch {
            throw ClassifyError(path: path, reason: "not a model from stainshift train: \(ClassifyError.describe(error))")
        }
        guard model.format == formatName, model.means.count == model.features.count,
              model.scales.count == model.features.count, model.coefficients.count == model.features.count,
              model.scales.allSatisfy({ $0 > 0 && $0.isFinite })
        else { throw ClassifyError(path: path, reason: "inconsistent model (feature, scaling and coefficient counts differ)") }
        return model
    }

    /// Pretty JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return ((try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }
}
