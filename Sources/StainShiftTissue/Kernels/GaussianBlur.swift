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

    /// Blurs `image` (width x height) in place. A sigma below 0.05 pixel leaves the image unchanged.
    package static func blur(_ image: UnsafeMutablePointer<Float>, width w: Int, height h: Int, sigma: Double) {
        guard sigma >= 0.05 else { return }
        let src = SharedPointer(image)
        blur(rows: { y, row in row.update(from: src.p + y * w, count: w) }, into: image, width: w, height: h, sigma: sigma)
    }

    /// Columns per strip of the vertical pass: a strip of a 2048-row image is about half a MB.
    static let stripWidth = 64

    /// Blurs the image whose row `y` `rows(y, out)` writes (`width` floats) into `image`, without
    /// first copying it there: for a source that is computed (a scaled sum of stain planes). A sigma
    /// below 0.05 pixel copies the rows unchanged.
    ///
    /// No image-sized scratch: the horizontal pass writes each row straight into `image` (from a
    /// padded copy of the source row), and the vertical pass works in place on strips of
    /// `stripWidth` columns, each copied out with `r` replicated rows above and below. Every output
    /// pixel is the same sum in the same order as a pass through a second plane.
    package static func blur(rows source: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void,
                             into image: UnsafeMutablePointer<Float>, width w: Int, height h: Int, sigma: Double) {
        guard w > 0, h > 0 else { return }
        let img = SharedPointer(image)
        guard sigma >= 0.05 else {
            Parallel.forEachChunk(h) { rows in for y in rows { source(y, img.p + y * w) } }
            return
        }
        let k = kernel(sigma: sigma)
        let r = k.count / 2
        // Horizontal: source -> image, one padded row buffer per chunk (edges replicated).
        Parallel.forEachChunk(h) { rows in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
            let taps = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: k.count)
            defer { padded.deallocate(); taps.deallocate() }
            for j in 0..<k.count { taps[j] = UnsafePointer(padded + j) }
            for y in rows {
                source(y, padded + r)
                padded.initialize(repeating: padded[r], count: r)
                (padded + r + w).initialize(repeating: padded[r + w - 1], count: r + 8)
                convolveRow(k, taps: taps, out: img.p + y * w, width: w)
            }
        }
        // Vertical, in place per strip: strip row i holds image row clamp(i - r), so output row y
        // reads strip rows y ... y + 2r.
        let sw = stripWidth, strips = (w + sw - 1) / sw
        Parallel.forEachChunk(strips) { chunk in
            let strip = UnsafeMutablePointer<Float>.allocate(capacity: (h + 2 * r) * sw)
            let taps = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: k.count)
            defer { strip.deallocate(); taps.deallocate() }
            for s in chunk {
                let x0 = s * sw, width = min(sw, w - x0)
                for i in 0..<(h + 2 * r) {
                    (strip + i * sw).update(from: img.p + min(max(i - r, 0), h - 1) * w + x0, count: width)
                }
                for y in 0..<h {
                    for j in 0..<k.count { taps[j] = UnsafePointer(strip + (y + j) * sw) }
                    convolveRow(k, taps: taps, out: img.p + y * w + x0, width: width)
                }
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
