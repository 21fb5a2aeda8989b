/// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators", OOPSLA):
/// StainShift's one seeded generator, so a seed gives the same synthetic tiles, bootstrap intervals
/// and cross-validation folds on every platform and Swift version. The system RNG is never used.
///
/// Two integer draws are kept, because the synthetic tiles and the cohort statistics were built on
/// different ones and their numbers must not change: `fastBelow` (multiply-shift on 32 bits, for
/// Synth) and `unbiasedBelow` (Lemire's method with rejection, for Cohort and Classify).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for a named purpose, derived from a seed.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    /// An independent stream for a purpose named by labels (FNV-1a over the labels, mixed into the
    /// seed): the same seed and labels always give the same numbers, whatever order or thread the
    /// streams are drawn in (bootstrap resamples, cross-validation folds).
    public init(seed: UInt64, labels: [String]) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64-bit offset basis
        for label in labels {
            for byte in label.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0x1F) &* 0x0000_0100_0000_01b3
        }
        state = seed ^ h
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Uniform integer in 0..<n (0 when n <= 0); multiply-shift on the top 32 bits, bias below
    /// 2^-32 for n < 2^32. The synthetic tiles' draw (`shuffle` uses it).
    public mutating func fastBelow(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        return Int(((next() >> 32) &* UInt64(UInt32(truncatingIfNeeded: n))) >> 32)
    }

    /// Uniform integer in `0..<n` (n > 0), by Lemire's multiply-shift with rejection (no bias):
    /// the bootstrap's and cross-validation's draw.
    public mutating func unbiasedBelow(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// Standard normal deviate (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1.0p-53), u2 = uniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Fisher-Yates shuffle with `fastBelow` (the synthetic tiles' order).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, fastBelow(i + 1)) }
    }
}

import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
