import Foundation

/// Reads one annotation file: QuPath GeoJSON (`.geojson`, `.json`, or text starting with `{` or
/// `[`), else a TSV/CSV point table.
public enum AnnotationFile {
    public static func read(_ path: String) throws(EvaluationError) -> [AnnotationPoint] {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "geojson" || ext == "json" { return try GeoJSONPoints.read(path) }
        if ext != "tsv" && ext != "csv" && ext != "txt", let data = FileManager.default.contents(atPath: path),
           let first = data.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }),
           first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return try GeoJSONPoints.parse(data, path: path)
        }
        return try PointTable.read(path)
    }
}
