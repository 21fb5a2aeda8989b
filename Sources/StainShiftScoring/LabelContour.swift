/// A vertex of a traced outline: a pixel corner, in pixels (x = column, y = row, origin top-left).
public struct OutlinePoint: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// The outer boundaries of one label in a label map, traced along pixel edges (vertices at
/// pixel corners, so a single pixel is the unit square): one closed ring per 4-connected piece,
/// first point repeated at the end, collinear points dropped.
///
/// Rings are counter-clockwise by the sign of their shoelace area on the coordinates as written
/// (RFC 7946 §3.1.6, as a GeoJSON reader computes it with y up; on screen, y down, they turn
/// clockwise). Holes in a label are filled: only exterior rings are returned, so every ring is a
/// valid Polygon exterior and pieces that touch only at a corner become separate rings.
public enum LabelContour {
    /// Exterior rings of `label` in `labels` (`width` x `height`, row-major), searched in
    /// `box` (x0, y0, x1, y1 inclusive, the label's bounding box). Largest ring first.
    public static func rings(_ labels: [Int32], width: Int, height: Int, label: Int32,
                             box: (x0: Int, y0: Int, x1: Int, y1: Int)) -> [[OutlinePoint]] {
        let x0 = max(0, box.x0), y0 = max(0, box.y0), x1 = min(width - 1, box.x1), y1 = min(height - 1, box.y1)
        guard x0 <= x1, y0 <= y1 else { return [] }
        func inside(_ x: Int, _ y: Int) -> Bool {
            x >= x0 && x <= x1 && y >= y0 && y <= y1 && labels[y * width + x] == label
        }
        // Directed boundary edges with the label on the left (y up): bottom side left to right,
        // right side upwards, top side right to left, left side downwards (in y-up terms).
        let vw = x1 - x0 + 2
        func vertex(_ x: Int, _ y: Int) -> Int { (y - y0) * vw + (x - x0) }
        var starts: [Int] = [], ends: [Int] = []
        // At most two edges leave a vertex (two where pieces touch at a corner): flat tables, -1 for none.
        var first = [Int](repeating: -1, count: vw * (y1 - y0 + 2)), second = first
        func add(_ ax: Int, _ ay: Int, _ bx: Int, _ by: Int) {
            let a = vertex(ax, ay)
            if first[a] < 0 { first[a] = starts.count } else { second[a] = starts.count }
            starts.append(a); ends.append(vertex(bx, by))
        }
        for y in y0...y1 {
            for x in x0...x1 where labels[y * width + x] == label {
                if !inside(x, y - 1) { add(x, y, x + 1, y) }
                if !inside(x + 1, y) { add(x + 1, y, x + 1, y + 1) }
                if !inside(x, y + 1) { add(x + 1, y + 1, x, y + 1) }
                if !inside(x - 1, y) { add(x, y + 1, x, y) }
            }
        }
        func point(_ v: Int) -> OutlinePoint { OutlinePoint(x: x0 + v % vw, y: y0 + v / vw) }
        func direction(_ e: Int) -> (Int, Int) {
            let a = point(starts[e]), b = point(ends[e]); return (b.x - a.x, b.y - a.y)
        }
        var used = [Bool](repeating: false, count: starts.count)
        var rings: [(area: Int, ring: [OutlinePoint])] = []
        for start in starts.indices where !used[start] {
            var ring: [OutlinePoint] = [point(starts[start])]
            var edge = start
            while true {
                used[edge] = true
                ring.append(point(ends[edge]))
                // At a corner where two pieces touch, two edges leave the vertex: turn left (towards
                // this piece), so diagonal neighbours stay separate rings.
                let v = ends[edge]
                var next = -1
                for candidate in [first[v], second[v]] where candidate >= 0 && (!used[candidate] || candidate == start) {
                    if next < 0 {
                        next = candidate
                    } else {
                        let (dx, dy) = direction(edge)
                        if turn(dx, dy, direction(candidate)) > turn(dx, dy, direction(next)) { next = candidate }
                    }
                }
                guard next >= 0, next != start else { break }
                edge = next
            }
            let simple = dropCollinear(ring)
            let area = twiceArea(simple)
            if area > 0 { rings.append((area, simple)) }
        }
        return rings.sorted { $0.area > $1.area }.map(\.ring)
    }

    /// 1 for a left turn (y up), 0 straight on, -1 right.
    static func turn(_ dx: Int, _ dy: Int, _ next: (Int, Int)) -> Int {
        let cross = dx * next.1 - dy * next.0
        return cross > 0 ? 1 : cross < 0 ? -1 : 0
    }

    /// Twice the signed shoelace area of a closed ring (positive: counter-clockwise, y up).
    public static func twiceArea(_ ring: [OutlinePoint]) -> Int {
        guard ring.count > 2 else { return 0 }
        var s = 0
        for k in 0..<(ring.count - 1) { s += ring[k].x * ring[k + 1].y - ring[k + 1].x * ring[k].y }
        return s
    }

    /// The closed ring without its collinear middle points (still closed, first point repeated).
    static func dropCollinear(_ ring: [OutlinePoint]) -> [OutlinePoint] {
        var open = Array(ring.dropLast())
        guard open.count > 3 else { return ring }
        var changed = true
        while changed && open.count > 3 {
            changed = false
            var kept: [OutlinePoint] = []
            for k in open.indices {
                let a = kept.last ?? open[(k + open.count - 1) % open.count], b = open[k], c = open[(k + 1) % open.count]
                if (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) == 0 { changed = true; continue }
                kept.append(b)
            }
            open = kept
        }
        // Start at the smallest (y, x) corner so the same shape always prints the same ring.
        if let s = open.indices.min(by: { (open[$0].y, open[$0].x) < (open[$1].y, open[$1].x) }) {
            open = Array(open[s...] + open[..<s])
        }
        return open + [open[0]]
    }
}
