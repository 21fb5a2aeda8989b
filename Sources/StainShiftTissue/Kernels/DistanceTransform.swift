/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, "Distance
/// transforms of sampled functions", Theory of Computing 8:415-428), with the nearest feature.
///
/// Pass 1 finds each pixel's distance to the nearest feature in its column with two row-order
/// scans; pass 2 takes the lower envelope of parabolas along each row. Both are linear time and
/// split over cores (columns in strips, then rows).
package enum DistanceTransform {
    /// Squared distance reported for pixels when the image has no feature at all.
    package static let unreachable: Float = 1e30

    /// For every pixel, the squared distance to the nearest pixel whose `mask` value is non-zero
    /// (`featureNonZero`) or zero (`!featureNonZero`), written to `out`. With `nearest`, also the
    /// index `y * width + x` of that feature pixel (-1 when there is none).
    package static func squared(mask: UnsafePointer<UInt8>, featureNonZero: Bool, width w: Int, height h: Int,
                                out: UnsafeMutablePointer<Float>, nearest: UnsafeMutablePointer<Int32>? = nil) {
        guard w > 0, h > 0 else { return }
        let big = Float(w + h + 1)
        let o = SharedPointer(out)
        let m = SharedPointer(UnsafeMutablePointer(mutating: mask))
        let nr = nearest.map { SharedPointer($0) }
        let want: UInt8 = featureNonZero ? 1 : 0
        // Pass 1: column distances (and feature rows) by a forward and a backward scan per column strip.
        Parallel.forEachChunk(w) { cols in
            for y in 0..<h {
                let row = y * w
                for x in cols {
                    let isFeature = (m[row + x] != 0 ? 1 : 0) == want
                    if isFeature {
                        o[row + x] = 0
                        nr?[row + x] = Int32(y)
                    } else if y > 0 {
                        o[row + x] = o[row - w + x] + 1
                        nr?[row + x] = nr?[row - w + x] ?? 0
                    } else {
                        o[row + x] = big
                        nr?[row + x] = -1
                    }
                }
            }
            if h > 1 {
                for y in stride(from: h - 2, through: 0, by: -1) {
                    let row = y * w
                    for x in cols where o[row + w + x] + 1 < o[row + x] {
                        o[row + x] = o[row + w + x] + 1
                        nr?[row + x] = nr?[row + w + x] ?? 0
                    }
                }
            }
        }
        // Pass 2: lower envelope of parabolas f(q) + (x - q)^2 along each row.
        Parallel.forEachChunk(h) { rows in
            let f = UnsafeMutablePointer<Double>.allocate(capacity: w)
            let z = UnsafeMutablePointer<Double>.allocate(capacity: w + 1)
            let v = UnsafeMutablePointer<Int>.allocate(capacity: w)
            let fr = UnsafeMutablePointer<Int32>.allocate(capacity: w)
            defer { f.deallocate(); z.deallocate(); v.deallocate(); fr.deallocate() }
            for y in rows {
                let row = y * w
                var any = false
                for x in 0..<w {
                    let g = o[row + x]
                    if g < big { any = true }
                    f[x] = Double(g) * Double(g)
                    if let nr { fr[x] = nr[row + x] }
                }
                guard any else {
                    for x in 0..<w { o[row + x] = unreachable; nr?[row + x] = -1 }
                    continue
                }
                var k = 0
                v[0] = 0; z[0] = -.infinity; z[1] = .infinity
                if w > 1 {
                    for q in 1..<w {
                        let fq = f[q] + Double(q * q)
                        var s = (fq - (f[v[k]] + Double(v[k] * v[k]))) / Double(2 * (q - v[k]))
                        while s <= z[k] {
                            k -= 1
                            s = (fq - (f[v[k]] + Double(v[k] * v[k]))) / Double(2 * (q - v[k]))
                        }
                        k += 1
                        v[k] = q; z[k] = s; z[k + 1] = .infinity
                    }
                }
                k = 0
                for q in 0..<w {
                    while z[k + 1] < Double(q) { k += 1 }
                    let d = q - v[k]
                    let value = Double(d * d) + f[v[k]]
                    if value >= Double(big) * Double(big) {
                        o[row + q] = unreachable; nr?[row + q] = -1
                    } else {
                        o[row + q] = Float(value)
                        if let nr { nr[row + q] = fr[v[k]] * Int32(w) + Int32(v[k]) }
                    }
                }
            }
        }
    }
}
