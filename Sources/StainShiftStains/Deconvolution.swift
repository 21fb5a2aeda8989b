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

    /// Recomposes 8-bit RGB from concentrations by Beer-Lambert, `v = white * 10^(-c x matrix)`:
    /// the inverse of deconvolution (rounded to the nearest sample value), for tests and previews.
    public static func compose(_ planes: StainPlanes, whitePoint: WhitePoint = .fixed(bitDepth: 8)) -> RGBImage {
        let n = planes.pixelCount
        let white = whitePoint.components
        var out = [UInt8](repeating: 0, count: 3 * n)
        let s = planes.matrix.stains
        for i in 0..<n {
            let c = (0..<3).map { Double(planes.values[$0 * n + i]) }
            for ch in 0..<3 {
                let od = c[0] * s[0].components[ch] + c[1] * s[1].components[ch] + c[2] * s[2].components[ch]
                out[3 * i + ch] = UInt8(min(255, max(0, (white[ch] * pow(10, -od)).rounded())))
            }
        }
        return RGBImage(width: planes.width, height: planes.height, samples: .uint8(out))
    }
}
