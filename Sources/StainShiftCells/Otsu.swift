/// Otsu's threshold (Otsu 1979, IEEE Trans. Syst. Man Cybern. 9:62-66) on a 256-bin histogram.
enum Otsu {
    /// Threshold of `values` (restricted to `mask != 0` when given) over [0, min(max, 3)] OD.
    static func threshold(_ v: UnsafePointer<Float>, count n: Int, mask: [UInt8]?) -> Double {
        let m = mask ?? [], masked = m.count >= n
        var counts = [Int](repeating: 0, count: 256)
        // Eight pixels at a time; a mask word of all ones (inside tissue) or all zeros (outside) takes
        // the vector path or is skipped, a mixed word goes pixel by pixel.
        let allIn: UInt64 = 0x0101_0101_0101_0101
        let hi = m.withUnsafeBufferPointer { mb -> Float in
            @inline(__always) func word(_ i: Int) -> UInt64 {
                masked ? UnsafeRawPointer(mb.baseAddress! + i).loadUnaligned(as: UInt64.self) : allIn
            }
            var top = SIMD8<Float>(repeating: 0), hi: Float = 0
            var i = 0
            while i + 8 <= n {
                let bits = word(i)
                if bits == allIn {
                    top = lanesMax(top, UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self))
                } else if bits != 0 {
                    for j in 0..<8 where mb[i + j] != 0 { hi = max(hi, v[i + j]) }
                }
                i += 8
            }
            hi = max(hi, top.max())
            while i < n { if !masked || mb[i] != 0 { hi = max(hi, v[i]) }; i += 1 }
            hi = min(hi, 3)
            guard hi > 0 else { return hi }
            let scale = 255 / hi
            counts.withUnsafeMutableBufferPointer { c in
                @inline(__always) func bin(_ x: Float) -> Int { Int(min(max(x, 0), hi) * scale) }
                var i = 0
                while i + 8 <= n {
                    let bits = word(i)
                    if bits == allIn {
                        let x = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                        let b = lanesMin(lanesMax(x, .zero), SIMD8(repeating: hi)) * scale
                        for j in 0..<8 { c[Int(b[j])] += 1 }
                    } else if bits != 0 {
                        for j in 0..<8 where mb[i + j] != 0 { c[bin(v[i + j])] += 1 }
                    }
                    i += 8
                }
                while i < n { if !masked || mb[i] != 0 { c[bin(v[i])] += 1 }; i += 1 }
            }
            return hi
        }
        guard hi > 0 else { return 0 }
        let scale = 255 / hi
        return (Double(bestBin(counts.map(Double.init))) + 1) / Double(scale)
    }

    /// The bin `t` whose split (bins 0...t against the rest) maximises the between-class variance.
    static func bestBin(_ hist: [Double]) -> Int {
        let total = hist.reduce(0, +)
        let sumAll = hist.indices.reduce(0.0) { $0 + Double($1) * hist[$1] }
        var wB = 0.0, sumB = 0.0, best = 0.0, bestT = 0
        for t in 0..<(hist.count - 1) {
            wB += hist[t]; sumB += Double(t) * hist[t]
            let wF = total - wB
            guard wB > 0, wF > 0 else { continue }
            let mB = sumB / wB, mF = (sumAll - sumB) / wF
            let between = wB * wF * (mB - mF) * (mB - mF)
            if between > best { best = between; bestT = t }
        }
        return bestT
    }
}
