import StainShiftFoundation
import StainShiftImaging

/// Exact squared Euclidean distance transform up to a limit, with the nearest feature.
///
/// Pass 1 finds each pixel's distance to the nearest feature in its column with two row-order
/// scans (linear); pass 2 searches along the row only while a closer feature is still possible
/// (`dx² < best`), which is exact (the separable decomposition of Felzenszwalb & Huttenlocher 2012,
/// Theory of Computing 8:415-428) and costs O(distance) per pixel: cheap for the short distances
/// of nuclei, cell expansion and membrane rings. Columns, then rows, are split over cores.
package enum DistanceTransform {
    /// Squared distance reported for pixels with no feature within the limit.
    package static let unreachable: Float = 1e30

    /// For every pixel, the squared distance to the nearest pixel whose `mask` value is non-zero
    /// (`featureNonZero`) or zero (`!featureNonZero`), written to `out`; `unreachable` when no
    /// feature lies closer than `limit` pixels. With `nearest`, also the index `y * width + x` of
    /// that feature pixel (-1 when unreachable).
    package static func squared(mask: UnsafePointer<UInt8>, featureNonZero: Bool, width w: Int, height h: Int,
                                limit: Double, out: UnsafeMutablePointer<Float>, nearest: UnsafeMutablePointer<Int32>? = nil,
                                pool: BufferPool? = nil, spare: UnsafeMutableRawPointer? = nil) {
        guard w > 0, h > 0 else { return }
        if let spare {
            // The caller's idle buffer (at least 2 bytes per pixel) holds the column distances.
            squared(mask: mask, featureNonZero: featureNonZero, width: w, height: h, limit: limit, out: out,
                    nearest: nearest, columns: spare.bindMemory(to: UInt16.self, capacity: w * h))
            return
        }
        var columnBuffer = pool?.uint16sToOverwrite(w * h) ?? [UInt16](repeating: 0, count: w * h)
        defer { pool?.recycle(&columnBuffer) }
        columnBuffer.withUnsafeMutableBufferPointer { cb in
            guard let columns = cb.baseAddress else { return }
            squared(mask: mask, featureNonZero: featureNonZero, width: w, height: h, limit: limit, out: out,
                    nearest: nearest, columns: columns)
        }
    }

    /// The transform with a column-distance buffer of `width * height` entries.
    private static func squared(mask: UnsafePointer<UInt8>, featureNonZero: Bool, width w: Int, height h: Int,
                                limit: Double, out: UnsafeMutablePointer<Float>, nearest: UnsafeMutablePointer<Int32>?,
                                columns: UnsafeMutablePointer<UInt16>) {
        // Column distances (16-bit) beyond the limit are clamped to `cap`, which no row search can beat.
        let lim = Float(min(max(limit, 1), Double(w + h + 2), 65_000))
        let cap = UInt16(lim.rounded(.up) + 1)
        let o = SharedPointer(out), g = SharedPointer(columns)
        let m = SharedPointer(UnsafeMutablePointer(mutating: mask))
        let want: UInt8 = featureNonZero ? 1 : 0
        let fr = nearest.map { SharedPointer($0) }
        // Pass 1: column distance, feature row in `nearest` (when wanted).
        Parallel.forEachChunk(w) { cols in
            for y in 0..<h {
                let row = y * w
                for x in cols {
                    let isFeature = (m[row + x] != 0 ? 1 : 0) == want
                    let d: UInt16 = isFeature ? 0 : (y > 0 ? min(g[row - w + x] &+ 1, cap) : cap)
                    g[row + x] = d
                    if let fr { fr[row + x] = isFeature ? Int32(y) : (y > 0 && d < cap ? fr[row - w + x] : -1) }
                }
            }
            if h > 1 {
                for y in stride(from: h - 2, through: 0, by: -1) {
                    let row = y * w
                    for x in cols where g[row + w + x] &+ 1 < g[row + x] {
                        g[row + x] = g[row + w + x] &+ 1
                        if let fr { fr[row + x] = fr[row + w + x] }
                    }
                }
            }
        }
        // Pass 2: bounded search along each row.
        let exact = lim * lim
        let lim2 = Int(exact.rounded(.up))
        if nearest == nil && cap <= 16_384 {
            rowPassVector(columns: g, out: o, width: w, height: h, cap: cap, reach: Int(lim.rounded(.up)), exact: exact)
            return
        }
        Parallel.forEachChunk(h) { rows in
            let nextNear = UnsafeMutablePointer<Int>.allocate(capacity: w + 1)
            let featureRow = UnsafeMutablePointer<Int32>.allocate(capacity: w)
            defer { nextNear.deallocate(); featureRow.deallocate() }
            let reach = Int(lim.rounded(.up))
            for y in rows {
                let row = y * w
                let gr = g.p + row
                if let fr { for x in 0..<w { featureRow[x] = fr[row + x] } }
                // Nearest column at or after x with a finite column distance; pixels with none within
                // reach on either side are unreachable without searching.
                nextNear[w] = Int.max / 2
                for x in stride(from: w - 1, through: 0, by: -1) { nextNear[x] = gr[x] < cap ? x : nextNear[x + 1] }
                var prevNear = Int.min / 2
                for x in 0..<w {
                    let g0 = gr[x]
                    if g0 < cap { prevNear = x }
                    if x - prevNear > reach && nextNear[x] - x > reach {
                        o[row + x] = unreachable
                        if let fr { fr[row + x] = -1 }
                        continue
                    }
                    if g0 == 0 {
                        o[row + x] = 0
                        if let fr { fr[row + x] = Int32(truncatingIfNeeded: row + x) }
                        continue
                    }
                    var best = g0 < cap ? Int(g0) * Int(g0) : Int.max
                    var bx = x
                    var dx = 1
                    while true {
                        let d2 = dx * dx
                        if d2 >= best || d2 >= lim2 { break }
                        if x - dx >= 0 {
                            let gl = gr[x - dx]
                            if gl < cap { let c = d2 + Int(gl) * Int(gl); if c < best { best = c; bx = x - dx } }
                        }
                        if x + dx < w {
                            let gg = gr[x + dx]
                            if gg < cap { let c = d2 + Int(gg) * Int(gg); if c < best { best = c; bx = x + dx } }
                        }
                        dx += 1
                    }
                    if Float(best) < exact {
                        o[row + x] = Float(best)
                        if let fr { fr[row + x] = featureRow[bx] * Int32(truncatingIfNeeded: w) + Int32(truncatingIfNeeded: bx) }
                    } else {
                        o[row + x] = unreachable
                        if let fr { fr[row + x] = -1 }
                    }
                }
            }
        }
    }

    /// Pass 2 without nearest features, eight pixels at a time: the same candidates in the same
    /// order (own column, then dx = -1, +1, -2, +2, ..., kept only when strictly closer) from a
    /// padded row of squared column distances (`big` where none is within the limit). Squares of
    /// column distances up to 16 384 and of dx stay below `big`.
    private static func rowPassVector(columns g: SharedPointer<UInt16>, out o: SharedPointer<Float>, width w: Int,
                                      height h: Int, cap: UInt16, reach: Int, exact: Float) {
        let big = Int32(1 << 30)
        Parallel.forEachChunk(h) { rows in
            let padded = w + 2 * reach + 8
            let g2 = UnsafeMutablePointer<Int32>.allocate(capacity: padded)
            defer { g2.deallocate() }
            g2.initialize(repeating: big, count: padded)
            let result = UnsafeMutablePointer<Int32>.allocate(capacity: w + 8)
            defer { result.deallocate() }
            @inline(__always) func load(_ i: Int) -> SIMD8<Int32> { UnsafeRawPointer(g2 + i).loadUnaligned(as: SIMD8<Int32>.self) }
            // Integer select without masks: with t = c - best (no overflow below 2^30), t >> 31 is all
            // ones exactly where c < best.
            @inline(__always) func lower(_ best: inout SIMD8<Int32>, _ c: SIMD8<Int32>) {
                let t = c &- best
                best &+= t & (t &>> 31)
            }
            let limitSquared = Int32(min(Double(exact).rounded(.up), Double(big)))
            for y in rows {
                let row = y * w
                for x in 0..<w {
                    let c = g[row + x]
                    g2[reach + x] = c < cap ? Int32(c) &* Int32(c) : big
                }
                var x0 = 0
                while x0 < w {
                    var best = load(reach + x0)
                    var dx = 1
                    while dx <= reach && Int32(dx * dx) < limitSquared {
                        let d2 = SIMD8<Int32>(repeating: Int32(dx * dx))
                        // Stop when no lane can improve: no lane with d2 - best < 0.
                        let words = unsafeBitCast(d2 &- best, to: SIMD4<UInt64>.self)
                        guard (words[0] | words[1] | words[2] | words[3]) & 0x8000_0000_8000_0000 != 0 else { break }
                        lower(&best, load(reach + x0 - dx) &+ d2)
                        lower(&best, load(reach + x0 + dx) &+ d2)
                        dx += 1
                    }
                    UnsafeMutableRawPointer(result + x0).storeBytes(of: best, as: SIMD8<Int32>.self)
                    x0 += 8
                }
                // Float(best) < exact is best < ceil(exact) for integers below 2^24.
                for x in 0..<w { o[row + x] = result[x] < limitSquared ? Float(result[x]) : unreachable }
            }
        }
    }
}
