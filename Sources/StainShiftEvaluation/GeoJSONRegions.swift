import Foundation

/// Annotation regions from a QuPath GeoJSON export (`score --regions`): Polygon and MultiPolygon
/// features, holes included; other geometries (points, lines) are skipped. The same reading as
/// `GeoJSONPoints` (FeatureCollection, Feature or array; classification object or string; `NaN`
/// and `Infinity` tolerated). A file without a single region is an error, as is a broken polygon.
public enum GeoJSONRegions {
    public static func read(_ path: String) throws(EvaluationError) -> [AnnotationRegion] {
        try parse(GeoJSONDocument.data(path), path: path)
    }

    /// Regions of a GeoJSON document (`path` only names it in errors).
    public static func parse(_ data: Data, path: String) throws(EvaluationError) -> [AnnotationRegion] {
        let features = try GeoJSONDocument.features(data, path: path)
        var regions: [AnnotationRegion] = []
        for (k, item) in features.enumerated() {
            guard let feature = item as? [String: Any], let geometry = feature["geometry"] as? [String: Any],
                  let type = geometry["type"] as? String, type == "Polygon" || type == "MultiPolygon" else { continue }
            let properties = feature["properties"] as? [String: Any]
            let shape = try RegionShape.parse(geometry, path: path, feature: k + 1)
            let name = (properties?["name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "region \(k + 1)"
            regions.append(AnnotationRegion(name: name, className: GeoJSONPoints.className(properties) ?? "", shape: shape))
        }
        guard !regions.isEmpty else { throw EvaluationError(path: path, reason: "no regions (no Polygon or MultiPolygon feature)") }
        return regions
    }
}
