import Foundation
import StainShiftImaging
@testable import StainShiftStains

/// Deterministic pseudo-random numbers (xorshift64*), so failures reproduce.
struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2685821657736338717
    }
}

enum Synth {
    /// An image of H and DAB (or any two-stain matrix) composed by Beer-Lambert from random amounts:
    /// a third pure first stain, a third pure second stain, a third mixed, amounts in 0.2...1.5 OD.
    static func twoStainImage(_ matrix: StainMatrix, width: Int, height: Int, bitDepth: Int = 8, seed: UInt64) -> RGBImage {
        var rng = Xorshift(seed: seed)
        let n = width * height
        var values = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n {
            let a = Float.random(in: 0.2...1.5, using: &rng), b = Float.random(in: 0.2...1.5, using: &rng)
            switch i % 3 {
            case 0: values[i] = a
            case 1: values[n + i] = b
            default: values[i] = a / 2; values[n + i] = b / 2
            }
        }
        let planes = StainPlanes(width: width, height: height, matrix: matrix, values: values)
        return Deconvolution.compose(planes, bitDepth: bitDepth)
    }

    static func randomImage(width: Int, height: Int, bitDepth: Int, seed: UInt64) -> RGBImage {
        var rng = Xorshift(seed: seed)
        let count = 3 * width * height
        if bitDepth == 16 {
            return RGBImage(width: width, height: height,
                            samples: .uint16((0..<count).map { _ in UInt16.random(in: 0...65535, using: &rng) }))
        }
        return RGBImage(width: width, height: height, samples: .uint8((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    }

    static func vector(_ role: StainRole, _ r: Double, _ g: Double, _ b: Double) -> StainVector {
        // Test vectors are valid by construction; a failure here is a test bug, reported as such.
        do { return try StainVector(role: role, r: r, g: g, b: b) } catch { preconditionFailure("\(error)") }
    }

    /// Rotates `v` by `degrees` about the unit `axis` (Rodrigues' formula).
    static func rotate(_ v: StainVector, degrees: Double, axis: (Double, Double, Double)) -> StainVector {
        let n = (axis.0 * axis.0 + axis.1 * axis.1 + axis.2 * axis.2).squareRoot()
        let k = (axis.0 / n, axis.1 / n, axis.2 / n)
        let t = degrees * .pi / 180, c = cos(t), s = sin(t)
        let dot = k.0 * v.r + k.1 * v.g + k.2 * v.b
        let cross = (k.1 * v.b - k.2 * v.g, k.2 * v.r - k.0 * v.b, k.0 * v.g - k.1 * v.r)
        return vector(v.role, v.r * c + cross.0 * s + k.0 * dot * (1 - c),
                      v.g * c + cross.1 * s + k.1 * dot * (1 - c), v.b * c + cross.2 * s + k.2 * dot * (1 - c))
    }
}
