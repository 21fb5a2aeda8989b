import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

/// The working buffers of one segmentation, each `width * height` elements long: the smoothed
/// channel, a float scratch plane, the foreground mask and the labels. Stages reuse idle buffers
/// for their own scratch (said where they do).
struct SegmentationBuffers {
    let smooth: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let mask: UnsafeMutablePointer<UInt8>
    let labels: UnsafeMutablePointer<Int32>
    let width: Int, height: Int
}

/// Settings of the QuPath-style LoG foreground, in working pixels and OD.
struct LoGForeground: Sendable {
    /// A LoG region is foreground when its mean detection OD exceeds this.
    var threshold: Float
    /// Gaussian sigma (pixels) the smoothed channel was made with; above 1.5 pixels the boundary
    /// is refined with a sigma-1 LoG.
    var sigma: Double
    var splitting: NucleusSplitting
    /// QuPath's boundary refinement (`CellParameters.refineBoundary`).
    var refine: Bool
}

extension NucleusSegmenter {
    /// QuPath's WatershedCellDetection foreground (qupath-core-processing, WatershedCellDetection.java):
    /// LoG > 0 regions from a watershed of the LoG, kept when their raw mean exceeds the threshold,
    /// merged by a 3 x 3 dilation within LoG > 0, holes filled, split by shape, boundary refined.
    static func laplacianForeground(raw: RawChannel, buffers b: SegmentationBuffers, tissue: [UInt8]?, pool: BufferPool,
                                    settings: LoGForeground) {
        let s = b.smooth, t = b.scratch, m = b.mask, l = b.labels, w = b.width, h = b.height
        let threshold = settings.threshold, sigma = settings.sigma
        let n = w * h
        // LoG (clipped at 0, outside tissue 0) into t.
        let maxima = ChunkResults<Float>(h)
        let tissueMask = tissue ?? []
        let inTissueOnly = tissueMask.count == n
        tissueMask.withUnsafeBufferPointer { tb in
            let tp = SharedPointer(t), sp = SharedReadPointer(UnsafePointer(s))
            let tm = SharedReadPointer(tb.baseAddress ?? UnsafePointer(m))
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
            let keepP = SharedReadPointer(kp.baseAddress ?? UnsafePointer(m)), mp = SharedPointer(m), lab = SharedReadPointer(UnsafePointer(l))
            Parallel.forEachChunk(n) { r in for i in r { mp[i] = keepP[Int(lab[i])] } }
        }
        // The LoG > 0 mask (bytes 2n..<3n of the idle smoothed buffer: the keys are done with, and
        // the dilation's row pass takes bytes 0..<n) limits the dilation.
        let logPositive = (spare + 2 * n).bindMemory(to: UInt8.self, capacity: n)
        let positive = SharedPointer(logPositive), log = SharedReadPointer(UnsafePointer(t))
        Parallel.forEachChunk(n) { r in for i in r { positive[i] = log[i] > 0 ? 1 : 0 } }
        BinaryMorphology.filter3x3(m, width: w, height: h, dilate: true, within: logPositive, pool: pool, spare: spare)
        BinaryMorphology.fillHoles(m, width: w, height: h)
        split(m, distance: t, width: w, height: h, settings: settings.splitting, labels: l, pool: pool, spare: spare)
        spare.bindMemory(to: Float.self, capacity: n)
        // Back to a binary image with one-pixel watershed lines between touching nuclei.
        let mp = SharedPointer(m), lab = SharedReadPointer(UnsafePointer(l))
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
        if settings.refine && sigma > 1.5 {
            let sp = SharedPointer(s), tp = SharedPointer(t)
            GaussianBlur.blur(rows: raw.rowReader(width: w), into: s, scratch: t, width: w, height: h, sigma: 1)
            // The fine LoG mask lives in the label buffer, idle until the final labelling.
            let fp = SharedPointer(UnsafeMutableRawPointer(l).bindMemory(to: UInt8.self, capacity: n))
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
        // The LoG buffer is idle from here on: it holds the labelling's union-find table.
        BinaryMorphology.label(m, width: w, height: h, eightConnected: false, labels: l,
                               spare: UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(t),
                                                                    count: n * MemoryLayout<Float>.stride))
        UnsafeMutableRawPointer(t).bindMemory(to: Float.self, capacity: n)
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

