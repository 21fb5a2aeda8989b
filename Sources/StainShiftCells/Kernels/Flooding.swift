import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

/// Seeded watershed with union-find: pixels are taken from the highest value down (raster order
/// within a value), each joins the basin of its highest already flooded neighbour (steepest
/// ascent), and a basin whose peak rises less than `dynamic` above the level where it meets another
/// is merged into it, which is the same as seeding from the h-maxima (Soille 2003, "Morphological
/// Image Analysis", ch. 6 and 9).
///
/// Implemented without visiting pixels in value order, which scatters memory accesses over the
/// whole image: (1) every pixel points at the neighbour it would join (local, rows in parallel);
/// (2) following the pointers gives each pixel its initial basin; (3) only the pixels where
/// basins meet ("events", a few percent) are sorted by value and replayed through the union-find
/// with the merge rule. The labels are exactly those of the sequential priority flood (the tests
/// keep that algorithm as a reference and compare label for label).
package enum Flooding {
    /// Largest key: keys are stored in 16 bits.
    package static let keyLimit = 65_535

    /// Labels the pixels with `values[i] > 0` into basins (1...count, raster order of first pixel; 0 elsewhere).
    /// - Parameters:
    ///   - scale: key = `Int(values[i] * scale)`, clamped to `maxKey` (at most `keyLimit`); keys below 1 are raised to 1.
    ///   - level: the value a key stands for, used to measure a basin's dynamic.
    ///   - dynamic: minimum peak height above the meeting level for a basin to stay separate.
    @discardableResult
    package static func flood(values: UnsafePointer<Float>, width w: Int, height h: Int, scale: Float, maxKey: Int,
                              level: (Int) -> Double, dynamic: Double,
                              labels out: UnsafeMutablePointer<Int32>, pool: BufferPool? = nil,
                              spare: UnsafeMutableRawPointer? = nil) -> Int {
        let n = w * h
        guard n > 0 else { return 0 }
        if let spare {
            // The caller's idle buffer (at least 2 bytes per pixel) holds the keys; it rebinds it after.
            let keys = spare.bindMemory(to: UInt16.self, capacity: n)
            return flood(values: values, width: w, height: h, scale: scale, maxKey: maxKey, level: level, dynamic: dynamic,
                         labels: out, keys: keys)
        }
        var keyBuffer = pool?.uint16sToOverwrite(n) ?? [UInt16](repeating: 0, count: n)
        defer { pool?.recycle(&keyBuffer) }
        return keyBuffer.withUnsafeMutableBufferPointer { kb in
            guard let keys = kb.baseAddress else { return 0 }
            return flood(values: values, width: w, height: h, scale: scale, maxKey: maxKey, level: level, dynamic: dynamic,
                         labels: out, keys: keys)
        }
    }

    /// The flood with a key buffer of `width * height` entries.
    private static func flood(values: UnsafePointer<Float>, width w: Int, height h: Int, scale: Float, maxKey: Int,
                              level: (Int) -> Double, dynamic: Double,
                              labels out: UnsafeMutablePointer<Int32>, keys: UnsafeMutablePointer<UInt16>) -> Int {
        let n = w * h
        let kmax = min(max(1, maxKey), keyLimit)
        let fmax = Float(kmax)
        let src = SharedReadPointer(values), k = SharedPointer(keys), ptr = SharedPointer(out)
        Parallel.forEachChunk(h) { rows in
            // Eight pixels at a time: key = trunc(v * scale) clamped to 1...kmax where v > 0, else 0.
            var i = rows.lowerBound * w
            let end = rows.upperBound * w
            while i &+ 8 <= end {   // i <= n: no overflow
                let v = UnsafeRawPointer(src.p + i).loadUnaligned(as: SIMD8<Float>.self)
                var s = lanesMin(lanesMax(v * scale, SIMD8(repeating: 1)), SIMD8(repeating: fmax))
                s.replace(with: 0, where: .!(v .> 0))
                UnsafeMutableRawPointer(k.p + i).storeBytes(of: truncatedKeys(s), as: SIMD8<UInt16>.self)
                i &+= 8
            }
            while i < end {
                let v = src[i]
                k[i] = v > 0 ? UInt16(min(max(v * scale, 1), fmax)) : 0
                i += 1
            }
        }
        let grid = Grid(width: w, height: h)
        // (1) Pointer to the neighbour joined: -1 background, p itself for a new basin's first pixel.
        // Index arithmetic below wraps (&+, &-) where it cannot overflow: pixel indices lie in 0..<n,
        // neighbours of inner pixels too, and keys are at most 65 535.
        Parallel.forEachChunk(h) { rows in
            for y in rows {
                let innerRow = y > 0 && y < h - 1
                let rowStart = y * w
                for x in 0..<w {
                    let p = rowStart &+ x
                    let kp = k[p]
                    guard kp > 0 else { ptr[p] = -1; continue }
                    var best = p, bestKey = -1
                    // An earlier (raster) neighbour is already flooded at an equal key, a later one only
                    // at a higher key.
                    let floorEarlier = Int(kp), floorLater = Int(kp) &+ 1
                    @inline(__always) func consider(_ q: Int, earlier: Bool) {
                        // Selects rather than a branch: which neighbour wins is unpredictable.
                        let kq = Int(k[q]), floor = earlier ? floorEarlier : floorLater
                        let better = (kq >= floor) && (kq > bestKey)
                        bestKey = better ? kq : bestKey
                        best = better ? q : best
                    }
                    if innerRow && x > 0 && x < w - 1 {
                        let above = p &- w, below = p &+ w
                        consider(above &- 1, earlier: true); consider(above, earlier: true)
                        consider(above &+ 1, earlier: true); consider(p &- 1, earlier: true)
                        consider(p &+ 1, earlier: false); consider(below &- 1, earlier: false)
                        consider(below, earlier: false); consider(below &+ 1, earlier: false)
                    } else {
                        grid.forEachNeighbour(x, y) { q in consider(q, earlier: q < p) }
                    }
                    ptr[p] = Int32(truncatingIfNeeded: best)
                }
            }
        }
        // (2) Initial basins: every pixel follows its pointers (they go to higher keys or earlier
        // pixels, so they end) to a pixel already coded or to a basin's first pixel (pointing at
        // itself), which then gets the next id, stored as -(id + 2); the path is overwritten with the
        // code. Ids only name basins: merges go by peaks and final labels by raster order.
        var basinPixel: [Int32] = []
        for p in 0..<n where out[p] >= 0 {
            // Every earlier pixel is coded by now: a pointer back takes its code at once.
            let t = Int(out[p])
            if t < p { out[p] = out[t]; continue }
            var r = p
            while out[r] >= 0 && Int(out[r]) != r { r = Int(out[r]) }
            if out[r] >= 0 {
                out[r] = -Int32(truncatingIfNeeded: basinPixel.count) - 2
                basinPixel.append(Int32(truncatingIfNeeded: r))
            }
            let code = out[r]
            var q = p
            while out[q] >= 0 { let next = Int(out[q]); out[q] = code; q = next }
        }
        let basins = basinPixel.count
        guard basins > 0 else {
            for p in 0..<n { out[p] = 0 }
            return 0
        }
        // (3) Events: pixels whose flooded neighbours lie in two or more initial basins, in flood
        // order (key descending, raster ascending), encoded as (keyLimit - key) << 32 | pixel.
        let chunkEvents = ChunkResults<[UInt64]>(h)
        Parallel.forEachChunk(h) { rows in
            var found: [UInt64] = []
            for y in rows {
                let rowStart = y * w
                for x in 0..<w {
                    let p = rowStart &+ x
                    let kp = k[p]
                    guard kp > 0 else { continue }
                    var first: Int32 = 0, mixed = false
                    if x > 0 && x < w - 1 && y > 0 && y < h - 1 {
                        // Inside a basin (all eight neighbours in p's own basin) nothing can meet.
                        let c = ptr[p], above = p &- w, below = p &+ w
                        if ptr[above &- 1] == c && ptr[above] == c && ptr[above &+ 1] == c && ptr[p &- 1] == c
                            && ptr[p &+ 1] == c && ptr[below &- 1] == c && ptr[below] == c && ptr[below &+ 1] == c { continue }
                        // Flooded before p: an earlier neighbour at p's key or above, a later one above it.
                        // Selects rather than branches (which neighbours count is unpredictable).
                        @inline(__always) func look(_ q: Int, _ lowest: Int) {
                            let flooded = Int(k[q]) >= lowest, b = ptr[q]
                            mixed = mixed || (flooded && first != 0 && b != first)
                            first = flooded && first == 0 ? b : first
                        }
                        let kEarlier = Int(kp), kLater = Int(kp) &+ 1
                        look(above &- 1, kEarlier); look(above, kEarlier); look(above &+ 1, kEarlier); look(p &- 1, kEarlier)
                        look(p &+ 1, kLater); look(below &- 1, kLater); look(below, kLater); look(below &+ 1, kLater)
                    } else {
                        grid.forEachNeighbour(x, y) { q in
                            let kq = k[q]
                            guard kq > kp || (kq == kp && q < p) else { return }
                            let b = ptr[q]
                            if first == 0 { first = b } else if b != first { mixed = true }
                        }
                    }
                    if mixed { found.append(UInt64(truncatingIfNeeded: keyLimit &- Int(kp)) << 32 | UInt64(truncatingIfNeeded: p)) }
                }
            }
            chunkEvents.set(rows, found)
        }
        // The chunks found their events in raster order, so a stable counting sort by key gives flood
        // order (the encoded values ascending) in linear time.
        // (Buckets keyLimit - key, 0...kmax after subtracting the smallest, keyLimit - kmax.)
        let found = chunkEvents.values.flatMap { $0 }
        let lowest = keyLimit - kmax
        var start = [Int](repeating: 0, count: kmax + 2)
        for e in found { start[Int(e >> 32) - lowest + 1] += 1 }
        for b in 1..<start.count { start[b] += start[b - 1] }
        var events = [UInt64](repeating: 0, count: found.count)
        for e in found { let b = Int(e >> 32) - lowest; events[start[b]] = e; start[b] += 1 }
        // Replay the meetings: the union-find over basins merges exactly as the priority flood does.
        var parent = (0..<basins).map { Int32($0) }
        let levels = (0...kmax).map(level)
        parent.withUnsafeMutableBufferPointer { uf in
            @inline(__always) func find(_ a: Int32) -> Int32 {
                var a = a
                while uf[Int(a)] != a { let g = uf[Int(uf[Int(a)])]; uf[Int(a)] = g; a = g }
                return a
            }
            @inline(__always) func peak(_ b: Int32) -> (key: UInt16, pixel: Int32) {
                let px = basinPixel[Int(b)]
                return (keys[Int(px)], px)
            }
            var roots: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &roots) { raw in
            let roots = raw.bindMemory(to: Int32.self)
            for e in events {
                let p = Int(e & 0xFFFF_FFFF)
                let kp = keys[p], y = p / w, x = p - y * w
                var nr = 0, best = 0, bestKey = -1
                // Neighbours in one basin share its root (nothing merges during the scan): found once.
                var lastCode: Int32 = 0, lastRoot: Int32 = 0
                grid.forEachNeighbour(x, y) { q in
                    let kq = keys[q]
                    guard kq > kp || (kq == kp && q < p) else { return }
                    let code = out[q]
                    if code != lastCode { lastCode = code; lastRoot = find(-code - 2) }
                    let r = lastRoot
                    var seen = -1
                    for m in 0..<nr where roots[m] == r { seen = m; break }
                    if seen < 0 { roots[nr] = r; seen = nr; nr += 1 }
                    if Int(kq) > bestKey { bestKey = Int(kq); best = seen }
                }
                guard nr > 1 else { continue }
                let target = roots[best]
                let lp = levels[Int(kp)]
                var keep = find(target)
                for j in 0..<nr where j != best {
                    let other = find(roots[j])
                    if other == keep { continue }
                    let o = peak(other), kk = peak(keep)
                    let (lo, hi) = (o.key < kk.key || (o.key == kk.key && o.pixel > kk.pixel)) ? (other, keep) : (keep, other)
                    if levels[Int(peak(lo).key)] - lp < dynamic {
                        uf[Int(lo)] = hi
                        keep = find(target)
                    }
                }
            }
            }
            for b in 0..<basins { uf[b] = find(Int32(truncatingIfNeeded: b)) }
        }
        // Final labels in raster order of each merged basin's first pixel.
        var label = [Int32](repeating: 0, count: basins)
        var next: Int32 = 0
        for p in 0..<n {
            let code = out[p]
            guard code <= -2 else { out[p] = 0; continue }
            let b = Int(parent[Int(-code - 2)])
            if label[b] == 0 { next += 1; label[b] = next }
            out[p] = label[b]
        }
        return Int(next)
    }
}

/// `UInt16(s[j])` for lanes that are 0 or in 1...65 535, without a range check per lane (which
/// keeps the conversion from being vectorised; x86-64's baseline has no float truncation in
/// place): s + 2^23 holds s rounded to the nearest whole number r in its low mantissa bits, one
/// less where r > s, which is trunc(s) exactly for these values.
@inline(__always)
private func truncatedKeys(_ s: SIMD8<Float>) -> SIMD8<UInt16> {
    let magic = SIMD8<Float>(repeating: 8_388_608)
    let biased = s + magic
    let roundedUp = unsafeBitCast(biased - magic .> s, to: SIMD8<Int32>.self)   // -1 in those lanes
    return SIMD8<UInt16>(truncatingIfNeeded: unsafeBitCast(biased, to: SIMD8<Int32>.self) &+ roundedUp)
}

/// The 8-neighbourhood in the order the flood visits it (row above, same row, row below), clipped
/// at the image border.
struct Grid: Sendable {
    let width: Int, height: Int

    @inline(__always) func forEachNeighbour(_ x: Int, _ y: Int, _ body: (Int) -> Void) {
        let w = width, p = y * w + x
        let left = x > 0, right = x < w - 1
        if y > 0 {
            if left { body(p - w - 1) }
            body(p - w)
            if right { body(p - w + 1) }
        }
        if left { body(p - 1) }
        if right { body(p + 1) }
        if y < height - 1 {
            if left { body(p + w - 1) }
            body(p + w)
            if right { body(p + w + 1) }
        }
    }
}
