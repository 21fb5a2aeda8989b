import StainShiftFoundation
import Foundation

/// Smooth random fields in [0, 1): random values on a grid, smoothstep-interpolated.
enum ValueNoise {
    static func field(_ w: Int, _ h: Int, spacing: Double, rng: inout SplitMix64) -> [Float] {
        let s = max(1.0, spacing)
        let gw = Int(Double(w) / s) + 2, gh = Int(Double(h) / s) + 2
        var grid = [Float](repeating: 0, count: gw * gh)
        for i in grid.indices { grid[i] = Float(rng.uniform()) }
        var out = [Float](repeating: 0, count: w * h)
        // Column weights once per column.
        var xi = [Int](repeating: 0, count: w), xf = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let fx = Double(x) / s
            xi[x] = min(gw - 2, Int(fx))
            let t = Float(fx - Double(xi[x])); xf[x] = t * t * (3 - 2 * t)
        }
        for y in 0..<h {
            let fy = Double(y) / s
            let yi = min(gh - 2, Int(fy))
            var ty = Float(fy - Double(yi)); ty = ty * ty * (3 - 2 * ty)
            let r0 = yi * gw, r1 = r0 + gw
            for x in 0..<w {
                let i = xi[x], t = xf[x]
                let top = grid[r0 + i] + (grid[r0 + i + 1] - grid[r0 + i]) * t
                let bottom = grid[r1 + i] + (grid[r1 + i + 1] - grid[r1 + i]) * t
                out[y * w + x] = top + (bottom - top) * ty
            }
        }
        return out
    }
}

/// Separable Gaussian blur with edge clamping (optical blur of the concentration maps).
enum Blur {
    static func gaussian(_ a: inout [Float], _ w: Int, _ h: Int, sigma: Double) {
        guard sigma > 0.05, w > 0, h > 0 else { return }
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var k = (-r...r).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let s = k.reduce(0, +); k = k.map { $0 / s }
        var tmp = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let row = y * w
            for x in 0..<w {
                var acc: Float = 0
                for j in -r...r { acc += k[j + r] * a[row + min(w - 1, max(0, x + j))] }
                tmp[row + x] = acc
            }
        }
        for y in 0..<h {
            for x in 0..<w {
                var acc: Float = 0
                for j in -r...r { acc += k[j + r] * tmp[min(h - 1, max(0, y + j)) * w + x] }
                a[y * w + x] = acc
            }
        }
    }
}
