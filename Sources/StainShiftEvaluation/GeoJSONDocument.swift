import Foundation

/// The Features of a QuPath GeoJSON export (`QuPathTypeAdapters`): a FeatureCollection, a single
/// Feature or an array of Features, read with `NaN` and `Infinity` tolerated (as null). The one
/// GeoJSON reader behind `GeoJSONPoints` (expert points) and `GeoJSONRegions` (annotations).
enum GeoJSONDocument {
    /// The document at `path`, or a one-line error naming it.
    static func data(_ path: String) throws(EvaluationError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw EvaluationError(path: path, reason: exists ? "cannot be read" : "no such file")
        }
        return data
    }

    /// The document's features, as decoded JSON (items that are not objects are kept, for their index).
    static func features(_ data: Data, path: String) throws(EvaluationError) -> [Any] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: GeoJSONPoints.nullingNonFinite(data), options: [.fragmentsAllowed])
        } catch {
            throw EvaluationError(path: path, reason: "malformed JSON")
        }
        if let array = root as? [Any] { return array }
        if let object = root as? [String: Any], object["type"] as? String == "FeatureCollection" {
            guard let list = object["features"] as? [Any] else {
                throw EvaluationError(path: path, reason: "FeatureCollection without a 'features' array")
            }
            return list
        }
        if let object = root as? [String: Any], object["type"] as? String == "Feature" { return [object] }
        throw EvaluationError(path: path, reason: "not GeoJSON (expected a FeatureCollection, a Feature or an array of Features)")
    }
}
