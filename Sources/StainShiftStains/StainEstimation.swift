import Foundation
import StainShiftImaging
import StainShiftFoundation

/// Settings of Macenko et al.'s stain vector estimation.
public struct MacenkoOptions: Sendable, Equatable {
    /// Pixels with OD at or below this in any channel are treated as transparent and ignored
    /// (Macenko et al. 2009: beta = 0.15).
    public var odThreshold: Double = 0.15
    /// Robust extremes of the angle distribution, in percent (Macenko et al. 2009: alpha = 1).
    public var percentile: Double = 1
    /// Most pixels examined; larger inputs are subsampled with a fixed stride (deterministic).
    public var maxSamples: Int = 250_000
    /// Fewest stained pixels to estimate from; fewer falls back to the reference with a warning.
    public var minimumPixels: Int = 500
    public init() {}
}

/// Automatic stain vectors, per image or per slide (several tiles pooled).
public enum StainEstimation {
    /// Macenko et al. (2009), "A method for normalizing histology slides for quantitative analysis",
    /// ISBI 2009:1107-1110: OD of stained pixels, the plane of the two main eigenvectors of their
    /// second-moment matrix, and the robust extreme angles in that plane as the two stain vectors.
    ///
    /// Roles come from the closer of `reference`'s first two vectors; the third row is the
    /// reference's own third stain when it has one, otherwise the cross product.
    /// `whitePoint` defaults to each image's bit-depth max.
    ///
    /// Confidence = planarity x separation x support, each clamped to 0...1: planarity
    /// `1 - 10 * l3 / (l1 + l2 + l3)` (two stains leave little energy off the plane), separation
    /// `angle / 20 degrees` between the two estimated vectors, support `stained / (10 * minimumPixels)`.
    public static func macenko(_ images: [RGBImage], reference: StainMatrix = StainPresets.hDAB,
                               whitePoint: WhitePoint? = nil, options: MacenkoOptions = MacenkoOptions()) -> StainEstimate {
        let od = stainedOD(images, whitePoint: whitePoint, options: options)
        func fallback(_ why: String) -> StainEstimate {
            StainEstimate(matrix: reference, confidence: 0, warning: why + "; using the reference stains",
                          usedFallback: true, sampledPixels: od.sampled, stainedPixels: od.count,
                          driftDegrees: reference.driftDegrees(from: reference))
        }
        guard od.count >= max(3, options.minimumPixels) else {
            return fallback("only \(od.count) stained pixels (OD > \(options.odThreshold) in every channel; need \(options.minimumPixels))")
        }
        // Second-moment matrix (not centred: stain directions pass through the origin).
        var s = [Double](repeating: 0, count: 9)
        for i in 0..<od.count {
            let v = (od.r[i], od.g[i], od.b[i])
            s[0] += v.0 * v.0; s[1] += v.0 * v.1; s[2] += v.0 * v.2
            s[4] += v.1 * v.1; s[5] += v.1 * v.2; s[8] += v.2 * v.2
        }
        s[3] = s[1]; s[6] = s[2]; s[7] = s[5]
        let (values, vectors) = SymmetricEigen.decompose(s)
        var e1 = vectors[0], e2 = vectors[1]
        if e1.0 + e1.1 + e1.2 < 0 { e1 = (-e1.0, -e1.1, -e1.2) }
        if e2.0 + e2.1 + e2.2 < 0 { e2 = (-e2.0, -e2.1, -e2.2) }
        var angles = [Double](repeating: 0, count: od.count)
        for i in 0..<od.count {
            let x = od.r[i] * e1.0 + od.g[i] * e1.1 + od.b[i] * e1.2
            let y = od.r[i] * e2.0 + od.g[i] * e2.1 + od.b[i] * e2.2
            angles[i] = atan2(y, x)
        }
        angles.sort()
        let lo = percentile(angles, options.percentile), hi = percentile(angles, 100 - options.percentile)
        func direction(_ phi: Double) -> (Double, Double, Double) {
            // Tiny negative components are noise around a channel the stain does not absorb.
            (max(0, e1.0 * cos(phi) + e2.0 * sin(phi)), max(0, e1.1 * cos(phi) + e2.1 * sin(phi)),
             max(0, e1.2 * cos(phi) + e2.2 * sin(phi)))
        }
        let ref0 = reference.stains[0], ref1 = reference.stains[1]
        let estimated: StainMatrix
        do {
            let dLo = direction(lo), dHi = direction(hi)
            let a = try StainVector(role: ref0.role, r: dLo.0, g: dLo.1, b: dLo.2)
            let b = try StainVector(role: ref0.role, r: dHi.0, g: dHi.1, b: dHi.2)
            let straight = cosine(a, ref0) + cosine(b, ref1), swapped = cosine(b, ref0) + cosine(a, ref1)
            let (first, second) = straight >= swapped ? (a, b.with(role: ref1.role)) : (b, a.with(role: ref1.role))
            estimated = try StainMatrix(first, second, reference.derivedThird ? nil : reference.stains[2])
        } catch {
            return fallback("estimated vectors are unusable (\(error))")
        }
        let total = values.0 + values.1 + values.2
        let planarity = clamp(1 - 10 * values.2 / max(total, .leastNonzeroMagnitude))
        let separation = clamp(estimated.stains[0].angleDegrees(to: estimated.stains[1]) / 20)
        let support = clamp(Double(od.count) / Double(10 * max(1, options.minimumPixels)))
        let drift = estimated.driftDegrees(from: reference)
        var warning: String?
        if let worst = drift.max(by: { $0.value < $1.value }), worst.value > 15 {
            warning = "estimated \(worst.key.rawValue) vector is \(String(format: "%.1f", worst.value)) degrees from the reference; check the stain set"
        }
        return StainEstimate(matrix: estimated, confidence: planarity * separation * support, warning: warning,
                             usedFallback: false, sampledPixels: od.sampled, stainedPixels: od.count, driftDegrees: drift)
    }

    /// OD of a deterministic stride subsample of all pixels, keeping the stained ones.
    static func stainedOD(_ images: [RGBImage], whitePoint: WhitePoint?, options: MacenkoOptions)
        -> (r: [Double], g: [Double], b: [Double], count: Int, sampled: Int) {
        let total = images.reduce(0) { $0 + $1.pixelCount }
        let step = max(1, (total + max(1, options.maxSamples) - 1) / max(1, options.maxSamples))
        var r: [Double] = [], g: [Double] = [], b: [Double] = []
        var sampled = 0, offset = 0  // offset: first sampled pixel index within the next image
        for image in images {
            let table = ODTable(bitDepth: image.bitDepth, whitePoint: whitePoint ?? .fixed(for: image))
            let t = options.odThreshold
            func take<T: FixedWidthInteger>(_ s: [T]) {
                var i = offset
                while i < image.pixelCount {
                    let o = (Double(table.red[Int(s[3 * i])]), Double(table.green[Int(s[3 * i + 1])]),
                             Double(table.blue[Int(s[3 * i + 2])]))
                    sampled += 1
                    if o.0 > t && o.1 > t && o.2 > t { r.append(o.0); g.append(o.1); b.append(o.2) }
                    i += step
                }
                offset = i - image.pixelCount
            }
            switch image.samples {
            case .uint8(let s): take(s)
            case .uint16(let s): take(s)
            }
        }
        return (r, g, b, r.count, sampled)
    }

    /// Linear-interpolated percentile `p` (0...100) of sorted `values` (as numpy's default).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        Quantiles.quantile(sorted: values, min(max(p, 0), 100) / 100)
    }

    static func cosine(_ a: StainVector, _ b: StainVector) -> Double { a.r * b.r + a.g * b.g + a.b * b.b }
    static func clamp(_ x: Double) -> Double { x.isFinite ? min(1, max(0, x)) : 0 }
}
