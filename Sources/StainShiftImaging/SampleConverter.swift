/// Row converters from decoded TIFF samples to interleaved RGB, compositing alpha over white.
enum SampleConverter {
    /// One row of `count` pixels. Each channel pointer advances by `step` samples per pixel
    /// (samples per pixel when chunky, 1 when planar). Grey passes the same pointer three times.
    @inline(__always)
    static func row<T: FixedWidthInteger & UnsignedInteger>(
        r: UnsafePointer<T>, g: UnsafePointer<T>, b: UnsafePointer<T>, alpha: UnsafePointer<T>?,
        associated: Bool, invert: Bool, step: Int, count: Int, out: UnsafeMutablePointer<T>
    ) {
        let top = T.max
        if let alpha {
            let maxValue = UInt64(top)
            for i in 0..<count {
                let a = UInt64(alpha[i * step])
                var c = (UInt64(r[i * step]), UInt64(g[i * step]), UInt64(b[i * step]))
                if invert { c = (maxValue - c.0, maxValue - c.1, maxValue - c.2) }
                if associated {
                    // Premultiplied: colour + white x (1 - alpha).
                    let w = maxValue - min(a, maxValue)
                    out[3 * i] = T(min(c.0 + w, maxValue))
                    out[3 * i + 1] = T(min(c.1 + w, maxValue))
                    out[3 * i + 2] = T(min(c.2 + w, maxValue))
                } else {
                    let w = maxValue * (maxValue - a), half = maxValue / 2
                    out[3 * i] = T((c.0 * a + w + half) / maxValue)
                    out[3 * i + 1] = T((c.1 * a + w + half) / maxValue)
                    out[3 * i + 2] = T((c.2 * a + w + half) / maxValue)
                }
            }
        } else if invert {
            for i in 0..<count {
                out[3 * i] = top - r[i * step]
                out[3 * i + 1] = top - g[i * step]
                out[3 * i + 2] = top - b[i * step]
            }
        } else if step == 3 && r + 1 == g && g + 1 == b {
            out.update(from: r, count: count * 3)
        } else {
            for i in 0..<count {
                out[3 * i] = r[i * step]
                out[3 * i + 1] = g[i * step]
                out[3 * i + 2] = b[i * step]
            }
        }
    }

    /// One row of 8-bit palette indices through a 256-entry RGB table.
    @inline(__always)
    static func palette(_ indices: UnsafePointer<UInt8>, step: Int, count: Int,
                        lut: UnsafePointer<UInt8>, out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            let j = Int(indices[i * step]) * 3
            out[3 * i] = lut[j]
            out[3 * i + 1] = lut[j + 1]
            out[3 * i + 2] = lut[j + 2]
        }
    }
}
