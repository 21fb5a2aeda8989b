/// The area of a GeoJSON Polygon or MultiPolygon, in image pixels: polygons of rings, the first
/// ring of each the exterior and the rest its holes (RFC 7946 §3.1.6; ring orientation is not
/// relied on, as QuPath and other tools write either).
public struct RegionShape: Sendable, Equatable {
    /// One entry per polygon: its rings, each a closed list of (x, y) vertices.
    public var polygons: [[[Point]]]

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public init(polygons: [[[Point]]]) { self.polygons = polygons }

    /// Whether (x, y) lies inside: even-odd over each polygon's rings (so a hole is outside), and
    /// inside the shape when inside any of its polygons.
    public func contains(x: Double, y: Double) -> Bool {
        polygons.contains { rings in
            var inside = false
            for ring in rings where ring.count > 2 {
                var j = ring.count - 1
                for i in ring.indices {
                    let a = ring[i], b = ring[j]
                    if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                    j = i
                }
            }
            return inside
        }
    }

    /// Area in square pixels: exteriors minus holes.
    public var area: Double {
        polygons.reduce(0) { sum, rings in
            sum + rings.enumerated().reduce(0) { $0 + ($1.offset == 0 ? 1 : -1) * abs(Self.signedArea($1.element)) }
        }
    }

    /// The area-weighted centroid (holes subtracted); nil for a shape without area.
    public var centroid: Point? {
        var a = 0.0, cx = 0.0, cy = 0.0
        for rings in polygons {
            for (k, ring) in rings.enumerated() {
                let s = Self.signedArea(ring)
                // Each ring counts with the sign that makes exteriors add and holes subtract.
                let sign: Double = (k == 0) == (s >= 0) ? 1 : -1
                var x = 0.0, y = 0.0
                for i in ring.indices {
                    let p = ring[i], q = ring[(i + 1) % ring.count], c = p.x * q.y - q.x * p.y
                    x += (p.x + q.x) * c; y += (p.y + q.y) * c
                }
                a += sign * s; cx += sign * x / 6; cy += sign * y / 6
            }
        }
        guard abs(a) > 1e-12 else { return nil }
        return Point(x: cx / a, y: cy / a)
    }

    /// Shoelace area of a ring (closed or not), positive counter-clockwise with y up.
    static func signedArea(_ ring: [Point]) -> Double {
        guard ring.count > 2 else { return 0 }
        var s = 0.0
        for i in ring.indices {
            let p = ring[i], q = ring[(i + 1) % ring.count]
            s += p.x * q.y - q.x * p.y
        }
        return s / 2
    }

    /// The shape of a GeoJSON `geometry` object of type Polygon or MultiPolygon; `feature` (1-based)
    /// names it in errors.
    public static func parse(_ geometry: [String: Any], path: String, feature: Int) throws(EvaluationError) -> RegionShape {
        let type = geometry["type"] as? String ?? "?"
        func fail(_ what: String) -> EvaluationError {
            EvaluationError(path: path, reason: "feature \(feature): \(type) \(what)")
        }
        func ring(_ value: Any) throws(EvaluationError) -> [Point] {
            guard let list = value as? [Any] else { throw fail("ring is not a list of positions") }
            var points: [Point] = []
            for p in list {
                guard let pair = p as? [Any], pair.count >= 2, let x = GeoJSONPoints.number(pair[0]),
                      let y = GeoJSONPoints.number(pair[1]), x.isFinite, y.isFinite else {
                    throw fail("coordinates are not pairs of numbers")
                }
                points.append(Point(x: x, y: y))
            }
            guard points.count >= 4 else { throw fail("ring has fewer than 4 positions") }
            return points
        }
        func polygon(_ value: Any) throws(EvaluationError) -> [[Point]] {
            guard let rings = value as? [Any], !rings.isEmpty else { throw fail("polygon has no rings") }
            var out: [[Point]] = []
            for r in rings { out.append(try ring(r)) }
            return out
        }
        switch type {
        case "Polygon":
            return RegionShape(polygons: [try polygon(geometry["coordinates"] as Any)])
        case "MultiPolygon":
            guard let list = geometry["coordinates"] as? [Any] else { throw fail("coordinates are not a list") }
            var polygons: [[[Point]]] = []
            for p in list { polygons.append(try polygon(p)) }
            return RegionShape(polygons: polygons)
        default:
            throw fail("is not a Polygon or MultiPolygon")
        }
    }
}
