import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

/// The raw detection channel as read: `pointer[i] * scale`, or `(pointer[i] + second[i]) * scale`
/// for hematoxylin + DAB. Lets detection read the stain planes themselves (with the image's OD
/// factor) instead of a 16 MB copy; the values are the same floats the copy would hold.
struct RawChannel: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    var second: UnsafePointer<Float>? = nil
    let scale: Float
    @inline(__always) subscript(i: Int) -> Float {
        if let q = second { return (pointer[i] + q[i]) * scale }
        return pointer[i] * scale
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Writes row `y` (`width` values) to `out`: the row source of `GaussianBlur.blur(rows:...)`.
    func rowReader(width w: Int) -> @Sendable (Int, UnsafeMutablePointer<Float>) -> Void {
        let channel = self
        // The same products as the subscript, eight at a time.
        return { y, out in
            let a = channel.pointer + y * w, scale = channel.scale
            var x = 0
            if let q = channel.second.map({ $0 + y * w }) {
                while x + 8 <= w { Self.store((Self.load(a + x) + Self.load(q + x)) * scale, out + x); x += 8 }
                while x < w { out[x] = (a[x] + q[x]) * scale; x += 1 }
            } else {
                while x + 8 <= w { Self.store(Self.load(a + x) * scale, out + x); x += 8 }
                while x < w { out[x] = a[x] * scale; x += 1 }
            }
        }
    }
}

/// Nucleus labels on one detection channel at the working resolution.
enum NucleusSegmenter {
    /// Segments `raw` (width x height, OD units; left unchanged) into nucleus labels.
    /// `pixelSize` is the working pixel size in µm; `tissue` (0/1 per pixel) limits detection.
    /// `automaticThreshold`, when given, replaces Otsu on the smoothed detection channel (see
    /// `automaticThreshold(of:...)`).
    static func segment(raw: RawChannel, automaticThreshold: Double?, width w: Int, height h: Int, pixelSize px: Double,
                        tissue: [UInt8]?, parameters p: CellParameters, pool: BufferPool) -> (labels: [Int32], count: Int) {
        let n = w * h
        var labels = pool.labels(n)
        guard n > 0 else { return (labels, 0) }
        var mask = pool.bytes(n)
        var smooth = pool.floatsToOverwrite(n)
        var scratch = pool.floatsToOverwrite(n)
        defer { pool.recycle(&mask); pool.recycle(&smooth); pool.recycle(&scratch) }
        let sigma = p.sigmaMicrons / px
        let minArea = p.minNucleusAreaMicrons2 / (px * px), maxArea = p.maxNucleusAreaMicrons2 / (px * px)
        var threshold = p.threshold ?? 0
        // Radius of a disk of the largest nucleus area, plus a margin: farther distances need not be exact.
        let maxRadius = (maxArea / Double.pi).squareRoot() + 2
        smooth.withUnsafeMutableBufferPointer { s in
            scratch.withUnsafeMutableBufferPointer { t in
                mask.withUnsafeMutableBufferPointer { m in
                    labels.withUnsafeMutableBufferPointer { l in
                        guard let s = s.baseAddress, let t = t.baseAddress, let m = m.baseAddress,
                              let l = l.baseAddress else { return }
                        GaussianBlur.blur(rows: raw.rowReader(width: w), into: s, scratch: t, width: w, height: h,
                                          sigma: sigma)
                        if p.threshold == nil {
                            threshold = automaticThreshold
                                ?? max(p.minimumAutomaticThreshold, Otsu.threshold(s, count: n, mask: tissue))
                        }
                        switch p.foreground {
                        case .threshold:
                            let th = Float(threshold)
                            for i in 0..<n { m[i] = s[i] > th ? 1 : 0 }
                            if let tissue { for i in 0..<n where tissue[i] == 0 { m[i] = 0 } }
                            BinaryMorphology.fillHoles(m, width: w, height: h)
                            // The smoothed channel is not read again: its memory holds the split's 16-bit scratch.
                            split(m, distance: t, width: w, height: h, tolerance: p.splitToleranceMicrons / px,
                                  maxRadius: maxRadius, enabled: p.splitTouching, labels: l, pool: pool,
                                  spare: UnsafeMutableRawPointer(s))
                            UnsafeMutableRawPointer(s).bindMemory(to: Float.self, capacity: n)
                        case .laplacianOfGaussian:
                            laplacianForeground(raw: raw, smooth: s, scratch: t, mask: m, labels: l, width: w, height: h,
                                                tissue: tissue, threshold: Float(threshold), sigma: sigma,
                                                tolerance: p.splitToleranceMicrons / px, maxRadius: maxRadius,
                                                split: p.splitTouching, refine: p.refineBoundary, pool: pool)
                        }
                    }
                }
            }
        }
        // Area filter (and, as QuPath, the mean-intensity check), then the contrast check, with
        // consecutive relabelling: one pass for the statistics, one to relabel.
        let count = labels.withUnsafeBufferPointer { l in l.reduce(Int32(0)) { max($0, $1) } }
        let stats = RegionStats(labels, raw: raw, count: Int(count), width: w, height: h)
        var keep = [Bool](repeating: false, count: Int(count) + 1)
        let checkMean = p.foreground == .laplacianOfGaussian
        for k in stride(from: 1, through: Int(count), by: 1) {
            let a = Double(stats.area[k])
            guard a >= minArea, a <= maxArea, a > 0 else { continue }
            if checkMean && stats.sum[k] / a < threshold { continue }
            keep[k] = true
        }
        if let contrast = p.minNucleusContrast {
            keep = keepContrasted(labels, stats: stats, kept: keep, raw: raw, width: w, height: h,
                                  ring: p.contrastRingMicrons / px, minContrast: contrast)
        }
        var map = [Int32](repeating: 0, count: Int(count) + 1)
        var next: Int32 = 0
        for k in stride(from: 1, through: Int(count), by: 1) where keep[k] { next += 1; map[k] = next }
        labels.withUnsafeMutableBufferPointer { l in
            map.withUnsafeBufferPointer { mp in
                guard let lb = l.baseAddress, let mb = mp.baseAddress else { return }
                let lp = Shared(lb), mapped = SharedConst(mb)
                Parallel.forEachChunk(n) { r in for i in r { lp[i] = mapped[Int(lp[i])] } }
            }
        }
        return (labels, Int(next))
    }

    /// The automatic threshold computed on another image than the detection channel (hematoxylin
    /// when nuclei are detected on H + DAB): `channel` smoothed as the detection channel is (in
    /// place), then Otsu within tissue, never below the floor.
    static func automaticThreshold(of channel: inout [Float], width w: Int, height h: Int, pixelSize px: Double,
                                   tissue: [UInt8]?, parameters p: CellParameters, pool: BufferPool) -> Double {
        let n = w * h
        guard n > 0, channel.count == n else { return p.minimumAutomaticThreshold }
        var scratch = pool.floats(n)
        defer { pool.recycle(&scratch) }
        return channel.withUnsafeMutableBufferPointer { c in
            scratch.withUnsafeMutableBufferPointer { t in
                guard let c = c.baseAddress, let t = t.baseAddress else { return p.minimumAutomaticThreshold }
                GaussianBlur.blur(c, scratch: t, width: w, height: h, sigma: p.sigmaMicrons / px)
                return max(p.minimumAutomaticThreshold, Otsu.threshold(c, count: n, mask: tissue))
            }
        }
    }

    /// Of the `kept` nuclei, those whose mean detection OD exceeds that of their surroundings (the
    /// pixels of no kept nucleus within `ring` pixels of the nucleus's bounding box) by at least
    /// `minContrast`: pale texture in cytoplasm or background is dropped, the job of QuPath's
    /// background subtraction. Linear in the nuclei's box areas, not in the image.
    static func keepContrasted(_ labels: [Int32], stats: RegionStats, kept: [Bool], raw c: RawChannel, width w: Int,
                               height h: Int, ring: Double, minContrast: Double) -> [Bool] {
        let r = max(1, Int(ring.rounded()))
        var keep = kept
        // 1 for pixels of no kept nucleus: added as a weight, so the box scan has no branch per pixel
        // (adding 0.0 leaves a sum unchanged).
        let free = kept.map { $0 ? 0.0 : 1.0 }
        labels.withUnsafeBufferPointer { l in
            free.withUnsafeBufferPointer { fb in
                guard let lp = l.baseAddress, let f = fb.baseAddress else { return }
                for k in kept.indices where kept[k] && stats.area[k] > 0 {
                    // Two sums of each kind (alternate pixels), so consecutive pixels do not wait on
                    // one another's additions.
                    var outer = (0.0, 0.0), outerN = (0.0, 0.0)
                    let x0 = max(0, stats.minX[k] - r), x1 = min(w - 1, stats.maxX[k] + r)
                    for y in max(0, stats.minY[k] - r)...min(h - 1, stats.maxY[k] + r) {
                        let row = y * w
                        var x = x0
                        while x < x1 {
                            let a = f[Int(lp[row + x])], b = f[Int(lp[row + x + 1])]
                            outer.0 += a * Double(c[row + x]); outerN.0 += a
                            outer.1 += b * Double(c[row + x + 1]); outerN.1 += b
                            x += 2
                        }
                        if x == x1 {
                            let a = f[Int(lp[row + x])]
                            outer.0 += a * Double(c[row + x]); outerN.0 += a
                        }
                    }
                    let surroundings = outer.0 + outer.1, surroundingN = outerN.0 + outerN.1
                    // A nucleus with no free surroundings (packed among others) is kept.
                    keep[k] = surroundingN == 0
                        || stats.sum[k] / Double(stats.area[k]) - surroundings / surroundingN >= minContrast
                }
            }
        }
        return keep
    }

    /// Splits a 0/1 mask into nuclei: exact distance transform, then flooding from its h-maxima.
    static func split(_ m: UnsafeMutablePointer<UInt8>, distance d: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                      tolerance: Double, maxRadius: Double, enabled: Bool, labels: UnsafeMutablePointer<Int32>,
                      pool: BufferPool? = nil, spare: UnsafeMutableRawPointer? = nil) {
        guard enabled else {
            BinaryMorphology.label(m, width: w, height: h, eightConnected: false, labels: labels)
            return
        }
        let n = w * h
        // Distances beyond the largest plausible nucleus radius form one plateau (such blobs fail the area filter).
        DistanceTransform.squared(mask: m, featureNonZero: false, width: w, height: h, limit: maxRadius, out: d, pool: pool,
                                  spare: spare)
        // (Background pixels are features of this transform: their distance is already 0.)
        let plateau = Float(maxRadius * maxRadius)
        let maxD = clampUnreachable(d, count: n, to: plateau)
        Flooding.flood(values: d, width: w, height: h, scale: 1, maxKey: min(Int(maxD) + 1, 1 << 20),
                       level: { Double($0).squareRoot() }, dynamic: tolerance, labels: labels, pool: pool, spare: spare)
    }

    /// Replaces `DistanceTransform.unreachable` in `d[0..<n]` by `plateau`; returns the largest value.
    static func clampUnreachable(_ d: UnsafeMutablePointer<Float>, count n: Int, to plateau: Float) -> Float {
        var top = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            var v = UnsafeRawPointer(d + i).loadUnaligned(as: SIMD8<Float>.self)
            v.replace(with: plateau, where: v .>= DistanceTransform.unreachable)
            UnsafeMutableRawPointer(d + i).storeBytes(of: v, as: SIMD8<Float>.self)
            top = lanesMax(top, v)
            i += 8
        }
        var maxD = top.max()
        while i < n {
            if d[i] >= DistanceTransform.unreachable { d[i] = plateau }
            maxD = max(maxD, d[i])
            i += 1
        }
        return maxD
    }

    /// QuPath's WatershedCellDetection foreground (qupath-core-processing, WatershedCellDetection.java):
    /// LoG > 0 regions from a watershed of the LoG, kept when their raw mean exceeds the threshold,
    /// merged by a 3 x 3 dilation within LoG > 0, holes filled, split by shape, boundary refined.
    static func laplacianForeground(raw: RawChannel, smooth s: UnsafeMutablePointer<Float>,
                                    scratch t: UnsafeMutablePointer<Float>, mask m: UnsafeMutablePointer<UInt8>,
                                    labels l: UnsafeMutablePointer<Int32>, width w: Int, height h: Int,
                                    tissue: [UInt8]?, threshold: Float, sigma: Double, tolerance: Double, maxRadius: Double,
                                    split doSplit: Bool, refine: Bool, pool: BufferPool) {
        let n = w * h
        // LoG (clipped at 0, outside tissue 0) into t.
        let maxima = ChunkResults<Float>(h)
        let tissueMask = tissue ?? []
        let inTissueOnly = tissueMask.count == n
        tissueMask.withUnsafeBufferPointer { tb in
            let tp = Shared(t), sp = SharedConst(UnsafePointer(s))
            let tm = SharedConst(tb.baseAddress ?? UnsafePointer(m))
            Parallel.forEachChunk(h) { rows in
                laplacian(sp.p, into: tp.p, width: w, height: h, rows: rows)
                var top: Float = 0
                for i in (rows.lowerBound * w)..<(rows.upperBound * w) {
                    let v = tp[i]
                    if v > 0 && (!inTissueOnly || tm[i] != 0) { top = max(top, v) } else { tp[i] = 0 }
                }
                maxima.set(rows, top)
            }
        }
        let maxL = maxima.values.max() ?? 0
        // Regional maxima with QuPath's 0.001 tolerance seed a watershed of the LoG.
        // From here until the boundary refinement the smoothed channel is idle: its memory holds the
        // floods' keys and the distance transform's column distances (16 bits per pixel).
        let spare = UnsafeMutableRawPointer(s)
        let step: Float = 0.0005
        let regions = Flooding.flood(values: t, width: w, height: h, scale: 1 / step,
                                     maxKey: min(Int(maxL / step) + 1, 1 << 20),
                                     level: { Double($0) * Double(step) }, dynamic: 0.001, labels: l, pool: pool,
                                     spare: spare)
        var sum = [Double](repeating: 0, count: regions + 1), area = [Int](repeating: 0, count: regions + 1)
        sum.withUnsafeMutableBufferPointer { su in
            area.withUnsafeMutableBufferPointer { ar in
                // Explicit planes (the channel's subscript would test for the second plane per pixel).
                let a = raw.pointer, scale = raw.scale
                if let b = raw.second {
                    for i in 0..<n { let k = Int(l[i]); if k != 0 { su[k] += Double((a[i] + b[i]) * scale); ar[k] += 1 } }
                } else {
                    for i in 0..<n { let k = Int(l[i]); if k != 0 { su[k] += Double(a[i] * scale); ar[k] += 1 } }
                }
            }
        }
        var keep = [UInt8](repeating: 0, count: regions + 1)
        for k in stride(from: 1, through: regions, by: 1) where sum[k] / Double(area[k]) > Double(threshold) { keep[k] = 1 }
        keep.withUnsafeBufferPointer { kp in
            let keepP = SharedConst(kp.baseAddress ?? UnsafePointer(m)), mp = Shared(m), lab = SharedConst(UnsafePointer(l))
            Parallel.forEachChunk(n) { r in for i in r { mp[i] = keepP[Int(lab[i])] } }
        }
        // The LoG > 0 mask (bytes 2n..<3n of the idle smoothed buffer: the keys are done with, and
        // the dilation's row pass takes bytes 0..<n) limits the dilation.
        let logPositive = (spare + 2 * n).bindMemory(to: UInt8.self, capacity: n)
        let positive = Shared(logPositive), log = SharedConst(UnsafePointer(t))
        Parallel.forEachChunk(n) { r in for i in r { positive[i] = log[i] > 0 ? 1 : 0 } }
        BinaryMorphology.filter3x3(m, width: w, height: h, dilate: true, within: logPositive, pool: pool, spare: spare)
        BinaryMorphology.fillHoles(m, width: w, height: h)
        split(m, distance: t, width: w, height: h, tolerance: tolerance, maxRadius: maxRadius, enabled: doSplit, labels: l,
              pool: pool, spare: spare)
        spare.bindMemory(to: Float.self, capacity: n)
        // Back to a binary image with one-pixel watershed lines between touching nuclei.
        let mp = Shared(m), lab = SharedConst(UnsafePointer(l))
        Parallel.forEachChunk(h) { rows in
            // A labelled pixel is kept unless its right or lower neighbour lies in another nucleus
            // (beyond the image, the pixel itself stands in); computed without branches.
            @inline(__always) func other(_ q: Int32, _ k: Int32) -> UInt8 { (q != 0 ? 1 : 0) & (q != k ? 1 : 0) }
            for y in rows {
                let down = y + 1 < h ? w : 0
                for x in 0..<w {
                    let i = y * w + x, k = lab[i]
                    let right = x + 1 < w ? lab[i + 1] : k
                    mp[i] = (k != 0 ? 1 : 0) & ~(other(right, k) | other(lab[i + down], k)) & 1
                }
            }
        }
        if refine && sigma > 1.5 {
            let sp = Shared(s), tp = Shared(t)
            GaussianBlur.blur(rows: raw.rowReader(width: w), into: s, scratch: t, width: w, height: h, sigma: 1)
            // The fine LoG mask lives in the label buffer, idle until the final labelling.
            let fp = Shared(UnsafeMutableRawPointer(l).bindMemory(to: UInt8.self, capacity: n))
            Parallel.forEachChunk(h) { rows in
                laplacian(sp.p, into: tp.p, width: w, height: h, rows: rows)
                for i in (rows.lowerBound * w)..<(rows.upperBound * w) { fp[i] = (tp[i] > 0 ? 1 : 0) & mp[i] }
            }
            // The fine LoG is in `fp`; the LoG buffer itself is idle and holds the row pass.
            BinaryMorphology.filter3x3(m, width: w, height: h, dilate: false, pool: pool, spare: UnsafeMutableRawPointer(t))
            UnsafeMutableRawPointer(t).bindMemory(to: Float.self, capacity: n)
            Parallel.forEachChunk(n) { r in for i in r { mp[i] |= fp[i] } }
            UnsafeMutableRawPointer(l).bindMemory(to: Int32.self, capacity: n)
        }
        // Labels come from 4-connectivity, so the background is eight-connected here: a diagonal
        // stretch of watershed line reaches the border only through corners and must stay open.
        BinaryMorphology.fillHoles(m, width: w, height: h, eightConnectedBackground: true)
        BinaryMorphology.label(m, width: w, height: h, eightConnected: false, labels: l)
    }

    /// `out = 4 s(x,y) - s(x-1,y) - s(x+1,y) - s(x,y-1) - s(x,y+1)` on `rows`, edges replicated
    /// (positive on blobs).
    static func laplacian(_ s: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                          rows: Range<Int>) {
        for y in rows {
            let up = max(y - 1, 0) * w, down = min(y + 1, h - 1) * w, row = y * w
            out[row] = 4 * s[row] - s[row] - s[row + min(1, w - 1)] - s[up] - s[down]
            if w > 2 {
                // Eight pixels at a time, the same operations in the same order as the scalar tail.
                @inline(__always) func v(_ i: Int) -> SIMD8<Float> { UnsafeRawPointer(s + i).loadUnaligned(as: SIMD8<Float>.self) }
                var x = 1
                while x + 9 <= w {
                    let r = 4 * v(row + x) - v(row + x - 1) - v(row + x + 1) - v(up + x) - v(down + x)
                    UnsafeMutableRawPointer(out + row + x).storeBytes(of: r, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < w - 1 {
                    out[row + x] = 4 * s[row + x] - s[row + x - 1] - s[row + x + 1] - s[up + x] - s[down + x]
                    x += 1
                }
            }
            if w > 1 {
                let x = w - 1
                out[row + x] = 4 * s[row + x] - s[row + x - 1] - s[row + x] - s[up + x] - s[down + x]
            }
        }
    }
}

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

/// Per-label pixel count, detection OD sum and bounding box, from one pass.
struct RegionStats {
    var area: [Int], sum: [Double]
    var minX: [Int], maxX: [Int], minY: [Int], maxY: [Int]

    init(_ labels: [Int32], raw c: RawChannel, count: Int, width w: Int, height h: Int) {
        var area = [Int](repeating: 0, count: count + 1), sum = [Double](repeating: 0, count: count + 1)
        // Per label: minX, -maxX, minY, -maxY (all kept as minima).
        var box = [Int](repeating: Int.max, count: 4 * (count + 1))
        labels.withUnsafeBufferPointer { lb in
            area.withUnsafeMutableBufferPointer { ab in
                sum.withUnsafeMutableBufferPointer { sb in
                    box.withUnsafeMutableBufferPointer { bb in
                        guard let l = lb.baseAddress, let a = ab.baseAddress, let s = sb.baseAddress,
                              let b = bb.baseAddress else { return }
                        for y in 0..<h {
                            // Run by run along the row (a chain of dependent updates per pixel would be
                            // slower); background (label 0) is skipped.
                            let row = y * w
                            var x = 0
                            while x < w {
                                let label = l[row + x]
                                var end = x + 1
                                while end < w && l[row + end] == label { end += 1 }
                                defer { x = end }
                                guard label > 0 else { continue }
                                let k = Int(label)
                                var run = 0.0
                                for j in (row + x)..<(row + end) { run += Double(c[j]) }
                                a[k] += end - x; s[k] += run
                                let o = 4 * k
                                b[o] = min(b[o], x); b[o + 1] = min(b[o + 1], 1 - end)
                                b[o + 2] = min(b[o + 2], y); b[o + 3] = min(b[o + 3], -y)
                            }
                        }
                    }
                }
            }
        }
        self.area = area; self.sum = sum
        // Labels without pixels keep the old empty box: min Int.max, max -1.
        minX = (0...count).map { box[4 * $0] }
        maxX = (0...count).map { box[4 * $0 + 1] == Int.max ? -1 : -box[4 * $0 + 1] }
        minY = (0...count).map { box[4 * $0 + 2] }
        maxY = (0...count).map { box[4 * $0 + 3] == Int.max ? -1 : -box[4 * $0 + 3] }
    }
}
