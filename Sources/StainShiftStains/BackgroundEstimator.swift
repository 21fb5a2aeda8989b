import Foundation
import StainShiftImaging

/// A white point estimated from an image, with how much evidence it rests on.
public struct BackgroundEstimate: Sendable, Equatable {
    public let whitePoint: WhitePoint
    /// Tissue-free pixels found (every channel's OD below `BackgroundEstimator.tissueFreeOD`).
    public let tissueFreePixels: Int
    /// Pixels the white point was measured on (the brightest tenth of the tissue-free ones).
    public let usedPixels: Int
    /// Set when too little background was found and the fixed white (bit-depth max) is used instead.
    public let warning: String?
}

/// Estimates the background (white point) per channel from the brightest tissue-free pixels,
/// as QuPath's "Estimate stain vectors" and HistomicsTK's background intensity do: pixels whose OD
/// is below 0.15 in every channel (Macenko et al. 2009's transparency threshold) may be glass or
/// pale tissue; the white point is, per channel, the median of the brightest tenth of them, so
/// pale stroma does not pull it down while a few saturated specks cannot set it.
public enum BackgroundEstimator {
    /// OD (relative to the bit-depth max) below which a pixel counts as tissue-free in every channel.
    public static let tissueFreeOD = 0.15
    /// Share of the tissue-free pixels, brightest first, the white point is measured on.
    public static let brightestFraction = 0.1

    /// Estimates the white point; falls back to the fixed white when fewer than
    /// `max(64, minimumFraction * pixels)` tissue-free pixels exist (a tile full of tissue).
    public static func estimate(_ image: RGBImage, minimumFraction: Double = 0.005) -> BackgroundEstimate {
        switch image.samples {
        case .uint8(let s): estimate(s, bitDepth: 8, pixels: image.pixelCount, minimumFraction: minimumFraction)
        case .uint16(let s): estimate(s, bitDepth: 16, pixels: image.pixelCount, minimumFraction: minimumFraction)
        }
    }

    static func estimate<T: FixedWidthInteger & UnsignedInteger>(_ s: [T], bitDepth: Int, pixels n: Int,
                                                                 minimumFraction: Double) -> BackgroundEstimate {
        let fixed = WhitePoint.fixed(bitDepth: bitDepth)
        let maxValue = bitDepth == 16 ? 65535 : 255
        // Each channel at least max * 10^-0.15 (about 70.8% of max).
        let floor = Int((Double(maxValue) * pow(10, -tissueFreeOD)).rounded(.up))
        // Pass 1: histogram of brightness (r + g + b) of tissue-free pixels, coarsened for 16-bit.
        let shift = bitDepth == 16 ? 4 : 0
        var brightness = [Int](repeating: 0, count: (3 * maxValue >> shift) + 1)
        var found = 0
        s.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let r = Int(p[3 * i]), g = Int(p[3 * i + 1]), b = Int(p[3 * i + 2])
                if r >= floor && g >= floor && b >= floor {
                    brightness[(r + g + b) >> shift] += 1
                    found += 1
                }
            }
        }
        let needed = max(64, Int((minimumFraction * Double(n)).rounded(.up)))
        guard found >= needed else {
            return BackgroundEstimate(whitePoint: fixed, tissueFreePixels: found, usedPixels: 0,
                                      warning: "only \(found) tissue-free pixels (need \(needed)); using the fixed white \(maxValue)")
        }
        // The brightness at which the brightest tenth is reached.
        let wanted = max(1, Int((Double(found) * brightestFraction).rounded(.up)))
        var cutoff = brightness.count - 1, above = brightness[cutoff]
        while cutoff > 0 && above < wanted { cutoff -= 1; above += brightness[cutoff] }
        // Pass 2: per-channel histograms of that brightest tenth; the white is their median.
        var hist = [[Int]](repeating: [Int](repeating: 0, count: maxValue + 1), count: 3)
        var used = 0
        s.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let r = Int(p[3 * i]), g = Int(p[3 * i + 1]), b = Int(p[3 * i + 2])
                if r >= floor && g >= floor && b >= floor && (r + g + b) >> shift >= cutoff {
                    hist[0][r] += 1; hist[1][g] += 1; hist[2][b] += 1
                    used += 1
                }
            }
        }
        func median(_ h: [Int]) -> Double {
            var seen = 0
            for (v, c) in h.enumerated() {
                seen += c
                if 2 * seen >= used { return Double(max(v, 1)) }
            }
            return Double(maxValue)
        }
        return BackgroundEstimate(whitePoint: WhitePoint(unchecked: median(hist[0]), median(hist[1]), median(hist[2])),
                                  tissueFreePixels: found, usedPixels: used, warning: nil)
    }
}
