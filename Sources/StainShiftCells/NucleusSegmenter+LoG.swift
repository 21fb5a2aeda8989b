import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

/// The working buffers of one segmentation, each `width * height` elements long: the float plane
/// (the smoothed channel, then the stage's values: LoG, distances), a spare float-sized buffer,
/// the foreground mask and the labels. Stages reuse idle buffers for their own scratch (said where
/// they do). The spare's last quarter is never written: it stays out of memory (see `segment`).
struct SegmentationBuffers {
    let plane: UnsafeMutablePointer<Float>
    let spare: UnsafeMutableRawPointer
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
    /// `b.plane` holds the smoothed detection channel on entry.
    static func laplacianForeground(raw: RawChannel, buffers b: SegmentationBuffers, tissue: [UInt8]?, pool: BufferPool,
                                    settings: LoGForeground) {
        let t = b.plane, spare = b.spare, m = b.mask, l = b.labels, w = b.width, h = b.height
        let threshold = settings.threshold, sigma = settings.sigma
        let n = w * h
        // LoG (clipped at 0, outside tissue 0) over the smoothed channel in t.
        let maxima = ChunkResults<Float>(h)
        let tissueMask = tissue ?? []
        let inTissueOnly = tissueMask.count == n
        tissueMask.withUnsafeBufferPointer { tb in
            let tp = SharedPointer(t)
            let tm = SharedReadPointer(tb.baseAddress ?? UnsafePointer(m))
            laplacianInPlace(t, width: w, height: h) { rows in
                var top: Float = 0
                for i in (rows.lowerBound * w)..<(rows.upperBound * w) {
                    let v = tp[i]
                    if v > 0 && (!inTissueOnly || tm[i] != 0) { top = max(top, v) } else { tp[i] = 0 }
                }
                maxima.set(rows, top)
            }
        }
        let maxL = maxima.values.max() ?? 0
        // Regional maxima with QuPath's 0.001 tolerance seed a watershed of the LoG. The spare
        // holds the floods' keys and the distance transform's column distances (16 bits per pixel).
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
        // The LoG > 0 mask (bytes 2n..<3n of the spare: the keys are done with, and the dilation's
        // row pass takes bytes 0..<n) limits the dilation.
        let logPositive = (spare + 2 * n).bindMemory(to: UInt8.self, capacity: n)
        let positive = SharedPointer(logPositive), log = SharedReadPointer(UnsafePointer(t))
        Parallel.forEachChunk(n) { r in for i in r { positive[i] = log[i] > 0 ? 1 : 0 } }
        BinaryMorphology.filter3x3(m, width: w, height: h, dilate: true, within: logPositive, pool: pool, spare: spare)
        BinaryMorphology.fillHoles(m, width: w, height: h)
        split(m, distance: t, width: w, height: h, settings: settings.splitting, labels: l, pool: pool, spare: spare)
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
            // The distances are done with: the plane holds the fine (sigma 1) smoothing, then its LoG.
            let tp = SharedPointer(t)
            GaussianBlur.blur(rows: raw.rowReader(width: w), into: t, width: w, height: h, sigma: 1)
            // The fine LoG mask lives in the label buffer, idle until the final labelling.
            let fp = SharedPointer(UnsafeMutableRawPointer(l).bindMemory(to: UInt8.self, capacity: n))
            laplacianInPlace(t, width: w, height: h) { rows in
                for i in (rows.lowerBound * w)..<(rows.upperBound * w) { fp[i] = (tp[i] > 0 ? 1 : 0) & mp[i] }
            }
            // The fine LoG is in `fp`; the plane is idle and holds the row pass.
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

    /// The 5-point Laplacian `4 s(x,y) - s(x-1,y) - s(x+1,y) - s(x,y-1) - s(x,y+1)` of `s`
    /// (edges replicated; positive on blobs) written over `s` itself, rows split over cores. Each
    /// chunk of rows works down from its top with copies of the original rows it still needs: the
    /// row above (the previous chunk may have overwritten it) and the row below its last, both
    /// taken before any chunk starts. `then(rows)` runs on each chunk's rows once they are done.
    static func laplacianInPlace(_ s: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                                 then body: @Sendable (Range<Int>) -> Void = { _ in }) {
        guard w > 0, h > 0 else { return }
        let chunks = Parallel.chunkRanges(h)
        let edges = UnsafeMutablePointer<Float>.allocate(capacity: 2 * chunks.count * w)
        defer { edges.deallocate() }
        for (c, rows) in chunks.enumerated() where !rows.isEmpty {
            (edges + 2 * c * w).update(from: s + max(rows.lowerBound - 1, 0) * w, count: w)
            (edges + (2 * c + 1) * w).update(from: s + min(rows.upperBound, h - 1) * w, count: w)
        }
        let sp = SharedPointer(s), ep = SharedReadPointer(UnsafePointer(edges))
        Parallel.forEachChunk(chunks.count, chunks: chunks.count) { cs in
            let copies = UnsafeMutablePointer<Float>.allocate(capacity: 2 * w)
            defer { copies.deallocate() }
            for c in cs where !chunks[c].isEmpty {
                let rows = chunks[c]
                var up = ep.p + 2 * c * w, spareCopy = copies
                for y in rows {
                    let centre = spareCopy
                    centre.update(from: sp.p + y * w, count: w)
                    let down = y + 1 == rows.upperBound ? ep.p + (2 * c + 1) * w : UnsafePointer(sp.p + (y + 1) * w)
                    laplacianRow(centre: UnsafePointer(centre), up: up, down: down, into: sp.p + y * w, width: w)
                    // The row just copied is the next row's `up`; the other copy takes the next centre.
                    spareCopy = centre == copies ? copies + w : copies
                    up = UnsafePointer(centre)
                }
                body(rows)
            }
        }
    }

    /// One row of the 5-point Laplacian from the original rows `centre`, `up` and `down` (`out`
    /// must not be `centre`).
    @inline(__always)
    static func laplacianRow(centre c: UnsafePointer<Float>, up: UnsafePointer<Float>, down: UnsafePointer<Float>,
                             into out: UnsafeMutablePointer<Float>, width w: Int) {
        out[0] = 4 * c[0] - c[0] - c[min(1, w - 1)] - up[0] - down[0]
        if w > 2 {
            // Eight pixels at a time, the same operations in the same order as the scalar tail.
            @inline(__always) func v(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
                UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            }
            var x = 1
            while x + 9 <= w {
                let r = 4 * v(c, x) - v(c, x - 1) - v(c, x + 1) - v(up, x) - v(down, x)
                UnsafeMutableRawPointer(out + x).storeBytes(of: r, as: SIMD8<Float>.self)
                x += 8
            }
            while x < w - 1 {
                out[x] = 4 * c[x] - c[x - 1] - c[x + 1] - up[x] - down[x]
                x += 1
            }
        }
        if w > 1 {
            let x = w - 1
            out[x] = 4 * c[x] - c[x - 1] - c[x] - up[x] - down[x]
        }
    }
}
