import Foundation

/// Expert points from a QuPath GeoJSON export (`QuPathTypeAdapters`): a FeatureCollection, a single
/// Feature or an array of Features; Point and MultiPoint geometries (other geometries are skipped);
/// with `polygonCentroids`, Polygon and MultiPolygon give their centroids;
/// the label is the classification's name, given as `{"name": ...}` or as a bare string. QuPath
/// writes `NaN` and `Infinity` for missing measurements, which plain JSON lacks: they read as null.
public enum GeoJSONPoints {
    public static func read(_ path: String, polygonCentroids: Bool = false) throws(EvaluationError) -> [AnnotationPoint] {
        try parse(GeoJSONDocument.data(path), path: path, polygonCentroids: polygonCentroids)
    }

    /// Points of a GeoJSON document (`path` only names it in errors). With `polygonCentroids`, a
    /// Polygon or MultiPolygon also gives a point, its area-weighted centroid (holes subtracted), that
    /// of the nucleus for a cell with a `nucleusGeometry`: how `--cells-geojson` cells read back as
    /// points. Vertices are QuPath's pixel corners, so a centroid sits half a pixel right and below
    /// StainShift's pixel-index centroids.
    public static func parse(_ data: Data, path: String, polygonCentroids: Bool = false) throws(EvaluationError) -> [AnnotationPoint] {
        let features = try GeoJSONDocument.features(data, path: path)
        var points: [AnnotationPoint] = []
        for (k, item) in features.enumerated() {
            guard let feature = item as? [String: Any], let geometry = feature["geometry"] as? [String: Any],
                  let type = geometry["type"] as? String else { continue }
            let label = AnnotationPoint.normalise(className(feature["properties"] as? [String: Any]) ?? "")
            func point(_ value: Any?) throws(EvaluationError) -> AnnotationPoint {
                guard let pair = value as? [Any], pair.count >= 2, let x = number(pair[0]), let y = number(pair[1]),
                      x.isFinite, y.isFinite else {
                    throw EvaluationError(path: path, reason: "feature \(k + 1): \(type) coordinates are not two numbers")
                }
                return AnnotationPoint(x: x, y: y, label: label)
            }
            switch type {
            case "Point":
                points.append(try point(geometry["coordinates"]))
            case "Polygon" where polygonCentroids, "MultiPolygon" where polygonCentroids:
                // A QuPath cell is found by its nucleus, as an expert point marks it.
                let nucleus = (feature["properties"] as? [String: Any])?["nucleusGeometry"] as? [String: Any]
                let shape = try RegionShape.parse(nucleus ?? geometry, path: path, feature: k + 1)
                guard let c = shape.centroid else { continue }
                points.append(AnnotationPoint(x: c.x, y: c.y, label: label))
            case "MultiPoint":
                guard let list = geometry["coordinates"] as? [Any] else {
                    throw EvaluationError(path: path, reason: "feature \(k + 1): MultiPoint coordinates are not a list")
                }
                for p in list { points.append(try point(p)) }
            default:
                continue
            }
        }
        guard !points.isEmpty else { throw EvaluationError(path: path, reason: "no points (no Point or MultiPoint geometry)") }
        return points
    }

    /// `classification` as `{"name": ...}` or a string; QuPath 0.1 put `name` in properties directly.
    static func className(_ properties: [String: Any]?) -> String? {
        guard let properties else { return nil }
        if let c = properties["classification"] as? [String: Any], let name = c["name"] as? String { return name }
        if let c = properties["classification"] as? String { return c }
        return nil
    }

    static func number(_ value: Any) -> Double? { (value as? NSNumber)?.doubleValue }

    /// The document with every bare `NaN`, `Infinity` and `-Infinity` outside strings replaced by `null`.
    static func nullingNonFinite(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0, inString = false
        let null = Array("null".utf8)
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                out.append(b)
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count { out.append(bytes[i + 1]); i += 2; continue }
                if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\"") { inString = true; out.append(b); i += 1; continue }
            var matched = false
            for token in ["-Infinity", "Infinity", "NaN"] where b == UInt8(ascii: "N") || b == UInt8(ascii: "I") || b == UInt8(ascii: "-") {
                let t = Array(token.utf8)
                if i + t.count <= bytes.count, Array(bytes[i..<(i + t.count)]) == t {
                    out += null; i += t.count; matched = true
                    break
                }
            }
            if !matched { out.append(b); i += 1 }
        }
        return Data(out)
    }
}
