import Foundation
import StainShiftImaging

/// Colour deconvolution (Ruifrok & Johnston 2001):
/// `OD = -log10(max(v, 1) / background)` per channel, then `concentrations = OD x inverse`.
public enum Deconvolution {
    /// Unmixes `image` with `matrix`; `background` is the white point (default: the bit depth's max).
    public static func deconvolve(_ image: RGBImage, matrix: StainMatrix, background: Double? = nil) -> StainPlanes {
        let n = image.pixelCount
        let white = background ?? Double(image.maxValue)
        var out = [Float](repeating: 0, count: 3 * n)
        let inv = matrix.inverse
        func od(_ v: Double) -> Double { -log10(max(v, 1) / white) }
        for i in 0..<n {
            let (r, g, b): (Double, Double, Double)
            switch image.samples {
            case .uint8(let s): (r, g, b) = (Double(s[3 * i]), Double(s[3 * i + 1]), Double(s[3 * i + 2]))
            case .uint16(let s): (r, g, b) = (Double(s[3 * i]), Double(s[3 * i + 1]), Double(s[3 * i + 2]))
            }
            let o = (od(r), od(g), od(b))
            for k in 0..<3 {
                out[k * n + i] = Float(o.0 * inv[k] + o.1 * inv[3 + k] + o.2 * inv[6 + k])
            }
        }
        return StainPlanes(width: image.width, height: image.height, matrix: matrix, values: out)
    }
}
