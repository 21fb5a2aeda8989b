import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

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
        // The plane is written in full, so it takes a buffer an earlier stage handed back (already in
        // memory); the spare is only ever written in its first three quarters (keys, distances and
        // masks of 16 and 8 bits), so a fresh one keeps its last quarter out of memory: 4 MB of a
        // 2048² tile's peak.
        var plane = pool.floatsToOverwrite(n)
        var spare = pool.floatsToOverwrite(n)
        defer { pool.recycle(&mask); pool.recycle(&plane); pool.recycle(&spare) }
        let sigma = p.sigmaMicrons / px
        let minArea = p.minNucleusAreaMicrons2 / (px * px), maxArea = p.maxNucleusAreaMicrons2 / (px * px)
        var threshold = p.threshold ?? 0
        // Radius of a disk of the largest nucleus area, plus a margin: farther distances need not be exact.
        let maxRadius = (maxArea / Double.pi).squareRoot() + 2
        let splitting = NucleusSplitting(tolerance: p.splitToleranceMicrons / px, maxRadius: maxRadius, enabled: p.splitTouching)
        plane.withUnsafeMutableBufferPointer { t in
            spare.withUnsafeMutableBufferPointer { s in
                mask.withUnsafeMutableBufferPointer { m in
                    labels.withUnsafeMutableBufferPointer { l in
                        guard let t = t.baseAddress, let s = s.baseAddress, let m = m.baseAddress,
                              let l = l.baseAddress else { return }
                        let spare = UnsafeMutableRawPointer(s)
                        GaussianBlur.blur(rows: raw.rowReader(width: w), into: t, width: w, height: h, sigma: sigma)
                        if p.threshold == nil {
                            threshold = automaticThreshold
                                ?? max(p.minimumAutomaticThreshold, Otsu.threshold(t, count: n, mask: tissue))
                        }
                        switch p.foreground {
                        case .threshold:
                            let th = Float(threshold)
                            for i in 0..<n { m[i] = t[i] > th ? 1 : 0 }
                            if let tissue { for i in 0..<n where tissue[i] == 0 { m[i] = 0 } }
                            BinaryMorphology.fillHoles(m, width: w, height: h)
                            // The smoothed channel is not read again: the plane holds the distances.
                            split(m, distance: t, width: w, height: h, settings: splitting, labels: l, pool: pool,
                                  spare: spare)
                        case .laplacianOfGaussian:
                            let buffers = SegmentationBuffers(plane: t, spare: spare, mask: m, labels: l, width: w, height: h)
                            laplacianForeground(raw: raw, buffers: buffers, tissue: tissue, pool: pool,
                                                settings: LoGForeground(threshold: Float(threshold), sigma: sigma,
                                                                        splitting: splitting, refine: p.refineBoundary))
                        }
                        spare.bindMemory(to: Float.self, capacity: n)
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
                                  check: ContrastCheck(ring: p.contrastRingMicrons / px, minContrast: contrast))
        }
        var map = [Int32](repeating: 0, count: Int(count) + 1)
        var next: Int32 = 0
        for k in stride(from: 1, through: Int(count), by: 1) where keep[k] { next += 1; map[k] = next }
        labels.withUnsafeMutableBufferPointer { l in
            map.withUnsafeBufferPointer { mp in
                guard let lb = l.baseAddress, let mb = mp.baseAddress else { return }
                let lp = SharedPointer(lb), mapped = SharedReadPointer(mb)
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
        return channel.withUnsafeMutableBufferPointer { c in
            guard let c = c.baseAddress else { return p.minimumAutomaticThreshold }
            GaussianBlur.blur(c, width: w, height: h, sigma: p.sigmaMicrons / px)
            return max(p.minimumAutomaticThreshold, Otsu.threshold(c, count: n, mask: tissue))
        }
    }

    /// Of the `kept` nuclei, those whose mean detection OD exceeds that of their surroundings (the
    /// pixels of no kept nucleus within `check.ring` pixels of the nucleus's bounding box) by at
    /// least `check.minContrast`: pale texture in cytoplasm or background is dropped, the job of
    /// QuPath's background subtraction. Linear in the nuclei's box areas, not in the image.
    static func keepContrasted(_ labels: [Int32], stats: RegionStats, kept: [Bool], raw c: RawChannel, width w: Int,
                               height h: Int, check: ContrastCheck) -> [Bool] {
        let r = max(1, Int(check.ring.rounded())), minContrast = check.minContrast
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
                      settings: NucleusSplitting, labels: UnsafeMutablePointer<Int32>,
                      pool: BufferPool? = nil, spare: UnsafeMutableRawPointer? = nil) {
        let maxRadius = settings.maxRadius
        guard settings.enabled else {
            // No distances needed: their buffer holds the labelling's union-find table.
            BinaryMorphology.label(m, width: w, height: h, eightConnected: false, labels: labels,
                                   spare: UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(d),
                                                                        count: w * h * MemoryLayout<Float>.stride))
            UnsafeMutableRawPointer(d).bindMemory(to: Float.self, capacity: w * h)
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
                       level: { Double($0).squareRoot() }, dynamic: settings.tolerance, labels: labels, pool: pool, spare: spare)
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
}

/// How touching nuclei are split, in pixels of the working resolution.
struct NucleusSplitting: Sendable {
    /// How far (pixels of distance) a distance maximum must rise above the saddle joining it to a
    /// higher one to seed a nucleus of its own.
    var tolerance: Double
    /// Distances beyond this radius (the largest plausible nucleus, plus a margin) form one plateau.
    var maxRadius: Double
    /// Whether to split at all; when not, each connected component is one nucleus.
    var enabled: Bool
}

/// The contrast check of detected nuclei (`CellParameters.minNucleusContrast`), in working pixels and OD.
struct ContrastCheck: Sendable {
    /// Margin (pixels) around a nucleus's bounding box within which its surroundings are taken.
    var ring: Double
    /// Least difference of mean detection OD between a nucleus and its surroundings.
    var minContrast: Double
}
