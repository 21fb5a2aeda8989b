/// Pairs expert points with detected cell centroids, each at most once, within a radius: globally
/// greedy by distance (the closest pair of all first, then the closest among what is left), ties
/// broken by point then cell index, so the matching never depends on input order beyond that.
/// Greedy rather than optimal: with a radius under a nucleus' spacing the two differ only in rare
/// crowded corners, and greedy is simple to state and to check by hand.
public enum PointMatcher {
    /// For each point, the index of its matched centre, or nil. `radius` is in the points' units (pixels).
    public static func match(points: [(x: Double, y: Double)], centres: [(x: Double, y: Double)],
                             radius: Double) -> [Int?] {
        var result = [Int?](repeating: nil, count: points.count)
        guard radius > 0, !points.isEmpty, !centres.isEmpty else { return result }
        let r2 = radius * radius
        // Bucket centres in a grid of radius-sized squares so each point looks at 9 squares only.
        var grid: [Int64: [Int]] = [:]
        func key(_ gx: Int, _ gy: Int) -> Int64 { Int64(gx) &* 1_000_003 &+ Int64(gy) }
        func cell(_ v: Double) -> Int { Int((v / radius).rounded(.down).clamped(-1e9, 1e9)) }
        for (j, c) in centres.enumerated() where c.x.isFinite && c.y.isFinite {
            grid[key(cell(c.x), cell(c.y)), default: []].append(j)
        }
        var pairs: [(d2: Double, i: Int, j: Int)] = []
        for (i, p) in points.enumerated() where p.x.isFinite && p.y.isFinite {
            let gx = cell(p.x), gy = cell(p.y)
            for dx in -1...1 {
                for dy in -1...1 {
                    for j in grid[key(gx + dx, gy + dy)] ?? [] {
                        let ex = centres[j].x - p.x, ey = centres[j].y - p.y
                        let d2 = ex * ex + ey * ey
                        if d2 <= r2 { pairs.append((d2, i, j)) }
                    }
                }
            }
        }
        pairs.sort { a, b in a.d2 != b.d2 ? a.d2 < b.d2 : a.i != b.i ? a.i < b.i : a.j < b.j }
        var used = [Bool](repeating: false, count: centres.count)
        for pair in pairs where result[pair.i] == nil && !used[pair.j] {
            result[pair.i] = pair.j
            used[pair.j] = true
        }
        return result
    }
}

extension Double {
    fileprivate func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}
