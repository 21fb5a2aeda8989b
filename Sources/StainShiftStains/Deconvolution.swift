import Foundation
import StainShiftImaging

/// Colour deconvolution (Ruifrok & Johnston 2001):
/// `OD = -log10(max(v, 1) / background)` per channel, then `concentrations = OD x inverse`.
///
/// Convenience entry points over `Deconvolver`; keep a `Deconvolver` when unmixing many tiles
/// with one stain set (its 16-bit table costs 65536 logarithms to build).
public enum Deconvolution {
    /// Unmixes `image` with `matrix`; `background` is the white point for all three channels
    /// (default: the bit depth's max; values below 1 or not finite fall back to that default).
    public static func deconvolve(_ image: RGBImage, matrix: StainMatrix, background: Double? = nil,
                                  threads: Int? = nil) -> StainPlanes {
        Deconvolver(matrix: matrix, whitePoint: white(background, image), bitDepth: image.bitDepth).run(image, threads: threads)
    }

    /// Unmixes `image` with a per-channel white point.
    public static func deconvolve(_ image: RGBImage, matrix: StainMatrix, whitePoint: WhitePoint,
                                  threads: Int? = nil) -> StainPlanes {
        Deconvolver(matrix: matrix, whitePoint: whitePoint, bitDepth: image.bitDepth).run(image, threads: threads)
    }

    /// Unmixes into an existing buffer, reallocating only when the pixel count changes.
    public static func deconvolve(_ image: RGBImage, matrix: StainMatrix, background: Double? = nil,
                                  threads: Int? = nil, into planes: inout StainPlanes) {
        Deconvolver(matrix: matrix, whitePoint: white(background, image), bitDepth: image.bitDepth)
            .run(image, threads: threads, into: &planes)
    }

    /// Unmixes into an existing buffer with a per-channel white point.
    public static func deconvolve(_ image: RGBImage, matrix: StainMatrix, whitePoint: WhitePoint,
                                  threads: Int? = nil, into planes: inout StainPlanes) {
        Deconvolver(matrix: matrix, whitePoint: whitePoint, bitDepth: image.bitDepth).run(image, threads: threads, into: &planes)
    }

    static func white(_ background: Double?, _ image: RGBImage) -> WhitePoint {
        if let background, let w = try? WhitePoint(uniform: background) { return w }
        return .fixed(for: image)
    }

    /// Recomposes RGB from concentrations by Beer-Lambert, `v = white * 10^(-c x matrix)`, rounded
    /// to the nearest sample: the inverse of deconvolution, for tests, synthesis and previews.
    /// `bitDepth` is 8 or 16; `whitePoint` defaults to that depth's max.
    public static func compose(_ planes: StainPlanes, bitDepth: Int = 8, whitePoint: WhitePoint? = nil) -> RGBImage {
        let n = planes.pixelCount
        let deep = bitDepth == 16
        let white = (whitePoint ?? .fixed(bitDepth: deep ? 16 : 8)).components
        let top = deep ? 65535.0 : 255.0
        let s = planes.matrix.stains.map(\.components)
        var out = [Double](repeating: 0, count: 3 * n)
        for i in 0..<n {
            let c0 = Double(planes.values[i]), c1 = Double(planes.values[n + i]), c2 = Double(planes.values[2 * n + i])
            for ch in 0..<3 {
                let od = c0 * s[0][ch] + c1 * s[1][ch] + c2 * s[2][ch]
                let v = (white[ch] * pow(10, -od)).rounded()
                out[3 * i + ch] = v.isNaN ? top : min(top, max(0, v))
            }
        }
        let samples: RGBImage.Samples = deep ? .uint16(out.map { UInt16($0) }) : .uint8(out.map { UInt8($0) })
        return RGBImage(width: planes.width, height: planes.height, samples: samples)
    }
}
