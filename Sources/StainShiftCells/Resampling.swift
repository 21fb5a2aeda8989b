/// Moves images between native and working resolution.
enum Resampling {
    /// Box (area-average) downsampling of a float image to `outW x outH`; each output pixel averages
    /// the native pixels whose centres fall in its footprint.
    static func downsample(_ src: [Float], width w: Int, height h: Int, toWidth W: Int, height H: Int) -> [Float] {
        let xs = spans(w, W), ys = spans(h, H)
        var rows = [Float](repeating: 0, count: W * h)
        for y in 0..<h {
            for X in 0..<W {
                var s: Float = 0
                for x in xs[X] { s += src[y * w + x] }
                rows[y * W + X] = s / Float(xs[X].count)
            }
        }
        var out = [Float](repeating: 0, count: W * H)
        for Y in 0..<H {
            for yy in ys[Y] { for X in 0..<W { out[Y * W + X] += rows[yy * W + X] } }
            let c = Float(ys[Y].count)
            for X in 0..<W { out[Y * W + X] /= c }
        }
        return out
    }

    /// Downsamples a 0/1 mask: an output pixel is set when at least half its footprint is.
    static func downsample(_ src: [UInt8], width w: Int, height h: Int, toWidth W: Int, height H: Int) -> [UInt8] {
        let f = downsample(src.map { Float($0 != 0 ? 1 : 0) }, width: w, height: h, toWidth: W, height: H)
        return f.map { $0 >= 0.5 ? 1 : 0 }
    }

    /// Nearest-neighbour upsampling of labels from `W x H` to `w x h`.
    static func upsample(_ src: [Int32], width W: Int, height H: Int, toWidth w: Int, height h: Int) -> [Int32] {
        let xmap = (0..<w).map { min(W - 1, Int((Double($0) + 0.5) * Double(W) / Double(w))) }
        var out = [Int32](repeating: 0, count: w * h)
        for y in 0..<h {
            let Y = min(H - 1, Int((Double(y) + 0.5) * Double(H) / Double(h)))
            for x in 0..<w { out[y * w + x] = src[Y * W + xmap[x]] }
        }
        return out
    }

    /// Native index ranges covered by each of `out` output pixels (never empty).
    static func spans(_ n: Int, _ out: Int) -> [Range<Int>] {
        (0..<out).map { o in
            let a = min(n - 1, Int((Double(o) * Double(n) / Double(out)).rounded()))
            let b = min(n, max(a + 1, Int((Double(o + 1) * Double(n) / Double(out)).rounded())))
            return a..<b
        }
    }
}
