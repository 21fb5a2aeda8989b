import StainShiftFoundation
import StainShiftStains

/// Per-pixel channels rebuilt from stain planes.
package enum OpticalDensity {
    /// Optical density summed over R, G and B (QuPath's "Optical density sum"): since
    /// `OD_rgb = sum_k c_k * stain_k`, the sum is `sum_k c_k * (r_k + g_k + b_k)`.
    package static func sum(_ planes: StainPlanes, into out: UnsafeMutablePointer<Float>) {
        let n = planes.pixelCount
        let weights = planes.matrix.stains.map { Float($0.r + $0.g + $0.b) }
        planes.values.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return }
            let src = SharedPointer(UnsafeMutablePointer(mutating: base)), dst = SharedPointer(out)
            Parallel.forEachChunk(n) { r in
                for i in r {
                    dst[i] = weights[0] * src[i] + weights[1] * src[n + i] + weights[2] * src[2 * n + i]
                }
            }
        }
    }
}
