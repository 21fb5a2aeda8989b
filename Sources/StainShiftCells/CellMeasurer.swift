import StainShiftFoundation
import StainShiftImaging
import StainShiftStains
import StainShiftTissue

/// Per-cell measurements: centroid, areas, circularity, compartment OD statistics and class.
enum CellMeasurer {
    /// Doubles kept per cell: 4 compartments x (count, sumH, maxH, sumD, maxD), then sumX, sumY.
    private static let stride = 22

    static func measure(planes: StainPlanes, nucleusLabels nl: [Int32], cellLabels cl: [Int32], membrane: [UInt8],
                        count: Int, odScale: Float = 1, parameters p: CellParameters, pool: BufferPool? = nil) -> [Cell] {
        guard count > 0 else { return [] }
        let w = planes.width, h = planes.height, n = w * h
        let hOff = planes.planeOffset(.hematoxylin) ?? 0
        let dOff = planes.planeOffset(.dab)
        let bands = Parallel.chunkRanges(h, chunks: 4)
        var partial = [[Double]](repeating: [], count: bands.count)
        // One accumulator per fixed band of rows, merged in band order: identical sums whatever the cores.
        let results = planes.values.withUnsafeBufferPointer { v -> [[Double]] in
            nl.withUnsafeBufferPointer { nlb in
                cl.withUnsafeBufferPointer { clb in
                    membrane.withUnsafeBufferPointer { mb in
                        let box = Box(v: v, nl: nlb, cl: clb, mem: mb)
                        let out = ChunkResults<[Double]>(bands.count, chunks: bands.count)
                        Parallel.forEachChunk(bands.count, chunks: bands.count) { r in
                            for b in r { out.set(b..<(b + 1), accumulate(box, rows: bands[b], width: w, pixels: n,
                                                                         hOff: hOff, dOff: dOff, count: count)) }
                        }
                        return out.values
                    }
                }
            }
        }
        partial = results
        var acc = [Double](repeating: 0, count: (count + 1) * stride)
        for c in 1...count {
            for k in 0..<4 { acc[c * stride + k * 5 + 2] = -.infinity; acc[c * stride + k * 5 + 4] = -.infinity }
        }
        for part in partial where !part.isEmpty {
            for c in 1...count {
                let o = c * stride
                for k in 0..<4 {
                    let b = o + k * 5
                    acc[b] += part[b]; acc[b + 1] += part[b + 1]; acc[b + 3] += part[b + 3]
                    acc[b + 2] = max(acc[b + 2], part[b + 2]); acc[b + 4] = max(acc[b + 4], part[b + 4])
                }
                acc[o + 20] += part[o + 20]; acc[o + 21] += part[o + 21]
            }
        }
        let perimeters = Perimeter.perimeters(nl, width: w, height: h, count: count, pool: pool)
        let px2 = p.safePixelSize * p.safePixelSize
        var cells: [Cell] = []
        cells.reserveCapacity(count)
        for c in 1...count {
            let o = c * stride
            let nArea = Int(acc[o])
            let nucleusArea = Double(nArea)
            let per = perimeters[c]
            let circ = per > 0 ? min(1, 4 * Double.pi * nucleusArea / (per * per)) : 1
            var cell = Cell(label: Int32(c), centroidX: nucleusArea > 0 ? acc[o + 20] / nucleusArea : 0,
                            centroidY: nucleusArea > 0 ? acc[o + 21] / nucleusArea : 0,
                            nucleusAreaPixels: nArea, cellAreaPixels: Int(acc[o + 15]),
                            nucleusCircularity: circ, cellClass: .tumour)
            cell.nucleus = stats(acc, o, odScale)
            cell.cytoplasm = stats(acc, o + 5, odScale)
            cell.membrane = stats(acc, o + 10, odScale)
            cell.wholeCell = stats(acc, o + 15, odScale)
            cells.append(cell)
        }
        classify(&cells, pixelArea: px2, parameters: p)
        return cells
    }

    /// Lymphocyte: small, round nucleus with dense hematoxylin relative to the tile's larger nuclei.
    static func classify(_ cells: inout [Cell], pixelArea: Double, parameters p: CellParameters) {
        let maxArea = p.lymphocyteMaxAreaMicrons2 / pixelArea
        let large = cells.filter { Double($0.nucleusAreaPixels) > maxArea }.map { $0.nucleus.hematoxylinMean }.sorted()
        let reference = large.count >= 5 ? large : cells.map { $0.nucleus.hematoxylinMean }.sorted()
        guard !reference.isEmpty else { return }
        let median = Quantiles.upperMedian(sorted: reference)
        let ratio = large.count >= 5 ? p.lymphocyteDensityRatio : 1
        for i in cells.indices {
            let c = cells[i]
            if Double(c.nucleusAreaPixels) <= maxArea, c.nucleusCircularity >= p.lymphocyteMinCircularity,
               Double(c.nucleus.hematoxylinMean) >= ratio * median {
                cells[i].cellClass = .lymphocyte
            }
        }
    }

    /// Means and maxima, multiplied by the image's OD normalisation factor.
    private static func stats(_ a: [Double], _ b: Int, _ scale: Float) -> CompartmentStats {
        var s = CompartmentStats()
        let k = Int(a[b])
        guard k > 0 else { return s }
        s.pixelCount = k
        s.hematoxylinMean = Float(a[b + 1] / Double(k)) * scale; s.hematoxylinMax = Float(a[b + 2]) * scale
        s.dabMean = Float(a[b + 3] / Double(k)) * scale; s.dabMax = Float(a[b + 4]) * scale
        return s
    }

    /// Count, sums and maxima of hematoxylin and DAB over a run of pixels.
    private struct Run {
        var count: Double
        var sumH = 0.0, maxH = -Double.infinity, sumD = 0.0, maxD = -Double.infinity
    }

    private struct Box: @unchecked Sendable {
        let v: UnsafeBufferPointer<Float>, nl: UnsafeBufferPointer<Int32>, cl: UnsafeBufferPointer<Int32>
        let mem: UnsafeBufferPointer<UInt8>
    }

    private static func accumulate(_ b: Box, rows: Range<Int>, width w: Int, pixels n: Int, hOff: Int, dOff: Int?,
                                   count: Int) -> [Double] {
        var a = [Double](repeating: 0, count: (count + 1) * stride)
        for c in 0...count {
            for k in 0..<4 { a[c * stride + k * 5 + 2] = -.infinity; a[c * stride + k * 5 + 4] = -.infinity }
        }
        a.withUnsafeMutableBufferPointer { ab in
            guard let a = ab.baseAddress, let v = b.v.baseAddress, let cl = b.cl.baseAddress, let nl = b.nl.baseAddress,
                  let mem = b.mem.baseAddress else { return }
            // Pixels come in runs of the same cell, nucleus and ring flag along a row: each run is
            // summed in registers and added once per compartment (instead of a chain of dependent
            // updates per pixel).
            @inline(__always) func add(_ base: Int, _ run: Run) {
                a[base] += run.count; a[base + 1] += run.sumH; a[base + 3] += run.sumD
                if run.maxH > a[base + 2] { a[base + 2] = run.maxH }
                if run.maxD > a[base + 4] { a[base + 4] = run.maxD }
            }
            let hp = v + hOff, dp = dOff.map { v + $0 }
            for y in rows {
                let row = y * w
                var x = 0
                while x < w {
                    let i = row + x
                    let c = cl[i], nu = nl[i], ring = mem[i]
                    guard c > 0 || nu > 0 else { x += 1; continue }
                    var end = x + 1
                    while end < w && cl[row + end] == c && nl[row + end] == nu && mem[row + end] == ring { end += 1 }
                    var run = Run(count: Double(end - x))
                    for j in i..<(row + end) {
                        let hv = Double(hp[j]), dv = dp.map { Double($0[j]) } ?? 0
                        run.sumH += hv; run.sumD += dv
                        if hv > run.maxH { run.maxH = hv }
                        if dv > run.maxD { run.maxD = dv }
                    }
                    if nu > 0, Int(nu) <= count {
                        let o = Int(nu) * stride
                        add(o, run)
                        // Sum of x + 0.5 over the run, and y + 0.5 per pixel.
                        a[o + 20] += run.count * (Double(x + end - 1) / 2 + 0.5); a[o + 21] += run.count * (Double(y) + 0.5)
                    }
                    if c > 0, Int(c) <= count {
                        let o = Int(c) * stride
                        add(o + 15, run)
                        if nu == 0 { add(o + 5, run) }
                        if ring != 0 { add(o + 10, run) }
                    }
                    x = end
                }
            }
        }
        return a
    }
}

/// Perimeter of labelled regions by local boundary configurations, as scikit-image's
/// `measure.perimeter` (4-connected border; weights 1, √2 and (1+√2)/2 by neighbour pattern).
enum Perimeter {
    static func perimeters(_ labels: [Int32], width w: Int, height h: Int, count: Int, pool: BufferPool? = nil) -> [Double] {
        var per = [Double](repeating: 0, count: count + 1)
        let n = w * h
        guard n > 0 else { return per }
        var border = pool?.bytes(n) ?? [UInt8](repeating: 0, count: n)
        defer { pool?.recycle(&border) }
        var weights = [Double](repeating: 0, count: 50)
        for c in [5, 7, 15, 17, 25, 27] { weights[c] = 1 }
        for c in [21, 33] { weights[c] = 2.0.squareRoot() }
        for c in [13, 23] { weights[c] = (1 + 2.0.squareRoot()) / 2 }
        labels.withUnsafeBufferPointer { lb in
            border.withUnsafeMutableBufferPointer { bb in
                guard let l = lb.baseAddress, let b = bb.baseAddress else { return }
                // Border: a labelled pixel on the image edge or with a 4-neighbour of another label.
                for y in 0..<h {
                    let i0 = y * w
                    if y == 0 || y == h - 1 || w < 3 {
                        for i in i0..<(i0 + w) where l[i] != 0 { b[i] = 1 }
                        continue
                    }
                    b[i0] = l[i0] != 0 ? 1 : 0
                    b[i0 + w - 1] = l[i0 + w - 1] != 0 ? 1 : 0
                    // Inside: without branches.
                    for i in (i0 + 1)..<(i0 + w - 1) {
                        let k = l[i]
                        let differs = (l[i - 1] ^ k) | (l[i + 1] ^ k) | (l[i - w] ^ k) | (l[i + w] ^ k)
                        b[i] = (k != 0 ? 1 : 0) & (differs != 0 ? 1 : 0)
                    }
                }
                // Code: 1 + 2 per 4-neighbour and 10 per diagonal neighbour on the same label's border.
                @inline(__always) func same(_ j: Int, _ k: Int32) -> Bool { b[j] != 0 && l[j] == k }
                for y in 0..<h {
                    let innerRow = y > 0 && y < h - 1
                    var x = 0
                    while x < w {
                        let i = y * w + x
                        // Eight non-border pixels at a time are skipped with one test.
                        if x + 8 <= w && UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) == 0 { x += 8; continue }
                        defer { x += 1 }
                        guard b[i] != 0 else { continue }
                        let k = l[i]
                        var code = 1
                        if innerRow && x > 0 && x < w - 1 {
                            if same(i - w, k) { code += 2 }
                            if same(i + w, k) { code += 2 }
                            if same(i - 1, k) { code += 2 }
                            if same(i + 1, k) { code += 2 }
                            if same(i - w - 1, k) { code += 10 }
                            if same(i - w + 1, k) { code += 10 }
                            if same(i + w - 1, k) { code += 10 }
                            if same(i + w + 1, k) { code += 10 }
                        } else {
                            for dy in -1...1 {
                                for dx in -1...1 where dx != 0 || dy != 0 {
                                    let xx = x + dx, yy = y + dy
                                    guard xx >= 0, xx < w, yy >= 0, yy < h else { continue }
                                    if same(yy * w + xx, k) { code += (dx == 0 || dy == 0) ? 2 : 10 }
                                }
                            }
                        }
                        per[Int(k)] += weights[min(code, 49)]
                    }
                }
            }
        }
        return per
    }
}
