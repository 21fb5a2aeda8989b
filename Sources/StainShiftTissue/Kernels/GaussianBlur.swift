import StainShiftFoundation
import Foundation

/// Separable Gaussian smoothing of a float image with replicated edges (as ImageJ's `blurGaussian`).
///
/// Both passes run over rows with `SIMD8<Float>` accumulators; rows are split over cores.
package enum GaussianBlur {
    /// Normalised 1-D kernel of radius `ceil(3.5 sigma)` (weights beyond 3.5 sigma are below 0.1%).
    package static func kernel(sigma: Double) -> [Float] {
        let r = max(1, Int((3.5 * sigma).rounded(.up)))
        var k = [Float](repeating: 0, count: 2 * r + 1)
        for i in -r...r {
            let d = Double(i)
            k[i + r] = Float(exp(-d * d / (2 * sigma * sigma)))
        }
        let s = k.reduce(0, +)
        for i in k.indices { k[i] /= s }
        return k
    }

    /// Blurs `image` (width x height) in place; `scratch` must hold `width * height` floats.
    /// A sigma below 0.05 pixel leaves the image unchanged.
    package static func blur(_ image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                             width w: Int, height h: Int, sigma: Double) {
        guard sigma >= 0.05 else { return }
        let src = SharedPointer(image)
        blur(rows: { y, row in row.update(from: src.p + y * w, count: w) }, into: image, scratch: scratch,
             width: w, height: h, sigma: sigma)
    }

    /// Blurs the image whose row `y` `rows(y, out)` writes (`width` floats) into `image`, without
    /// first copying it there: for a source that is computed (a scaled sum of stain planes). A sigma
    /// below 0.05 pixel copies the rows unchanged.
    package static func blur(rows source: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void,
                             into image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                             width w: Int, height h: Int, sigma: Double) {
        guard w > 0, h > 0 else { return }
        let src = SharedPointer(image), tmp = SharedPointer(scratch)
        guard sigma >= 0.05 else {
            Parallel.forEachChunk(h) { rows in for y in rows { source(y, src.p + y * w) } }
            return
        }
        let k = kernel(sigma: sigma)
        let r = k.count / 2
        // Horizontal: source -> scratch, one padded row buffer per chunk (edges replicated).
        Parallel.forEachChunk(h) { rows in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
            let taps = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: k.count)
            defer { padded.deallocate(); taps.deallocate() }
            for j in 0..<k.count { taps[j] = UnsafePointer(padded + j) }
            for y in rows {
                source(y, padded + r)
                padded.initialize(repeating: padded[r], count: r)
                (padded + r + w).initialize(repeating: padded[r + w - 1], count: r + 8)
                convolveRow(k, taps: taps, out: tmp.p + y * w, width: w)
            }
        }
        // Vertical: scratch -> image, output row y reads rows y-r ... y+r (clamped).
        Parallel.forEachChunk(h) { rows in
            let taps = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: k.count)
            defer { taps.deallocate() }
            for y in rows {
                for j in 0..<k.count { taps[j] = UnsafePointer(tmp.p + min(max(y + j - r, 0), h - 1) * w) }
                convolveRow(k, taps: taps, out: src.p + y * w, width: w)
            }
        }
    }

    /// `out[x] = sum_j k[j] * taps[j][x]` for x in 0..<width. The kernel is symmetric, so taps
    /// j and 2r - j share one multiplication: `k[j] * (a + b)`.
    @inline(__always)
    private static func convolveRow(_ k: [Float], taps src: UnsafePointer<UnsafePointer<Float>>,
                                    out: UnsafeMutablePointer<Float>, width w: Int) {
        k.withUnsafeBufferPointer { kb in
            let taps = kb.count, r = taps / 2
            var x = 0
            // Sixteen pixels per step: each weight and tap pointer is loaded once for two vectors.
            while x + 16 <= w {
                let c0 = UnsafeRawPointer(src[r] + x)
                var acc0 = kb[r] * c0.loadUnaligned(as: SIMD8<Float>.self)
                var acc1 = kb[r] * c0.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                for j in 0..<r {
                    let weight = kb[j]
                    let a = UnsafeRawPointer(src[j] + x), b = UnsafeRawPointer(src[taps - 1 - j] + x)
                    acc0 += weight * (a.loadUnaligned(as: SIMD8<Float>.self) + b.loadUnaligned(as: SIMD8<Float>.self))
                    acc1 += weight * (a.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                                      + b.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
                }
                UnsafeMutableRawPointer(out + x).storeBytes(of: acc0, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(out + x + 8).storeBytes(of: acc1, as: SIMD8<Float>.self)
                x += 16
            }
            while x + 8 <= w {
                var acc = kb[r] * UnsafeRawPointer(src[r] + x).loadUnaligned(as: SIMD8<Float>.self)
                for j in 0..<r {
                    let a = UnsafeRawPointer(src[j] + x).loadUnaligned(as: SIMD8<Float>.self)
                    let b = UnsafeRawPointer(src[taps - 1 - j] + x).loadUnaligned(as: SIMD8<Float>.self)
                    acc += kb[j] * (a + b)
                }
                UnsafeMutableRawPointer(out + x).storeBytes(of: acc, as: SIMD8<Float>.self)
                x += 8
            }
            while x < w {
                var acc = kb[r] * src[r][x]
                for j in 0..<r { acc += kb[j] * (src[j][x] + src[taps - 1 - j][x]) }
                out[x] = acc
                x += 1
            }
        }
    }
}
