@testable import StainShiftCells

/// The original sequential priority flood, kept as the reference the production `Flooding`
/// (steepest-ascent pointers + merge events) must reproduce label for label.
///
/// Seeded watershed by flooding with union-find: pixels are visited from the highest value down
/// (counting sort on integer keys, so linear time), each joins the basin of its highest already
/// flooded neighbour (steepest ascent), and a basin whose peak rises less than `dynamic` above the
/// level where it meets another is merged into it, which is the same as seeding from the h-maxima
/// (Soille 2003, "Morphological Image Analysis", ch. 6 and 9).
enum PriorityFlood {
    /// Largest key: keys are stored in 16 bits.
    static let keyLimit = 65_535

    /// Labels the pixels with `values[i] > 0` into basins (1...count, raster order of first pixel; 0 elsewhere).
    /// - Parameters:
    ///   - scale: key = `Int(values[i] * scale)`, clamped to `maxKey` (at most `keyLimit`); keys below 1 are raised to 1.
    ///   - level: the value a key stands for, used to measure a basin's dynamic.
    ///   - dynamic: minimum peak height above the meeting level for a basin to stay separate.
    @discardableResult
    static func flood(values: UnsafePointer<Float>, width w: Int, height h: Int, scale: Float, maxKey: Int,
                              level: (Int) -> Double, dynamic: Double,
                              labels parent: UnsafeMutablePointer<Int32>) -> Int {
        let n = w * h
        guard n > 0 else { return 0 }
        let kmax = min(max(1, maxKey), keyLimit)
        let keys = UnsafeMutablePointer<UInt16>.allocate(capacity: n)
        defer { keys.deallocate() }
        let fmax = Float(kmax)
        for i in 0..<n {
            let v = values[i]
            var k = 0
            if v > 0 {
                let s = v * scale
                k = s >= fmax ? kmax : max(1, Int(s))
            }
            keys[i] = UInt16(truncatingIfNeeded: k)
        }
        let levels = (0...kmax).map(level)
        // Counting sort: highest key first, raster order within a key.
        var counts = [Int](repeating: 0, count: kmax + 2)
        for i in 0..<n { counts[Int(keys[i])] += 1 }
        var start = [Int](repeating: 0, count: kmax + 2)
        var total = 0
        for k in Swift.stride(from: kmax, through: 1, by: -1) { start[k] = total; total += counts[k] }
        let order = UnsafeMutablePointer<Int32>.allocate(capacity: max(total, 1))
        defer { order.deallocate() }
        start.withUnsafeMutableBufferPointer { st in
            for i in 0..<n where keys[i] > 0 {
                let k = Int(keys[i])
                order[st[k]] = Int32(truncatingIfNeeded: i); st[k] += 1
            }
        }
        for i in 0..<n { parent[i] = -1 }
        // Sequential: labelling components to flood them in parallel cost more than it saved on 2 cores.
        let state = ReferenceFloodState(parent: parent, keys: keys, order: order, width: w, height: h, dynamic: dynamic)
        levels.withUnsafeBufferPointer { lv in
            guard let base = lv.baseAddress else { return }
            state.flood(0..<total, levels: base)
        }
        // Number basins in raster order; a finished pixel stores -(label + 1) so later finds stop there.
        var next: Int32 = 0
        for p in 0..<n where parent[p] >= 0 {
            var x = Int32(truncatingIfNeeded: p)
            while parent[Int(x)] >= 0 && parent[Int(x)] != x { x = parent[Int(x)] }
            let label: Int32
            if parent[Int(x)] == x { next += 1; label = next; parent[Int(x)] = -(label + 1) }
            else { label = -parent[Int(x)] - 1 }
            parent[p] = -(label + 1)
        }
        for p in 0..<n { parent[p] = parent[p] < -1 ? -parent[p] - 1 : 0 }
        return Int(next)
    }
}

/// The flooding loop over the sorted pixels.
private struct ReferenceFloodState {
    let parent: UnsafeMutablePointer<Int32>, keys: UnsafeMutablePointer<UInt16>, order: UnsafeMutablePointer<Int32>
    let width: Int, height: Int, dynamic: Double

    @inline(__always) func find(_ a: Int32) -> Int32 {
        var a = a
        while parent[Int(a)] != a {
            let g = parent[Int(parent[Int(a)])]
            parent[Int(a)] = g
            a = g
        }
        return a
    }

    func flood(_ range: Range<Int>, levels: UnsafePointer<Double>) {
        let w = width, h = height
        let deltas = (-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1)
        var roots = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
        withUnsafeMutableBytes(of: &roots) { rb in
            withUnsafeBytes(of: deltas) { db in
                let roots = rb.bindMemory(to: Int32.self), deltas = db.bindMemory(to: Int.self)
                let dxs = [-1, 0, 1, -1, 1, -1, 0, 1], dys = [-1, -1, -1, 0, 0, 1, 1, 1]
                for o in range {
                    let t = order[o]
                    let p = Int(t), y = p / w, x = p - y * w
                    let interior = x > 0 && x < w - 1 && y > 0 && y < h - 1
                    parent[p] = t
                    var nr = 0
                    var best = 0, bestKey = -1
                    for j in 0..<8 {
                        if !interior {
                            let xx = x + dxs[j], yy = y + dys[j]
                            if xx < 0 || xx >= w || yy < 0 || yy >= h { continue }
                        }
                        let q = p + deltas[j]
                        if parent[q] < 0 { continue }
                        let r = find(Int32(truncatingIfNeeded: q))
                        let kq = Int(keys[q])
                        var seen = -1
                        for m in 0..<nr where roots[m] == r { seen = m; break }
                        if seen < 0 { roots[nr] = r; seen = nr; nr += 1 }
                        if kq > bestKey { bestKey = kq; best = seen }
                    }
                    if nr == 0 { continue }
                    if nr == 1 { parent[p] = roots[0]; continue }
                    let target = roots[best]
                    parent[p] = target
                    // Basins meeting here: the lower-peaked of each pair merges when its dynamic is below `dynamic`.
                    let lp = levels[Int(keys[p])]
                    var keep = find(target)
                    for j in 0..<nr where j != best {
                        let other = find(roots[j])
                        if other == keep { continue }
                        let ko = keys[Int(other)], kk = keys[Int(keep)]
                        let (lo, hi) = (ko < kk || (ko == kk && other > keep)) ? (other, keep) : (keep, other)
                        if levels[Int(keys[Int(lo)])] - lp < dynamic {
                            parent[Int(lo)] = hi
                            keep = find(target)
                        }
                    }
                }
            }
        }
    }
}
