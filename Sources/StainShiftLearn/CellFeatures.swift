import Foundation
import StainShiftCells
import StainShiftFoundation
import StainShiftStains

/// Per-cell features for a trained cell classifier, one row per cell of a segmentation, with
/// QuPath-style column names (as in the `--cells` table). A row depends on the cell and its
/// neighbourhood only (the cell's own pixels and the cell centres within 50 µm), never on
/// tile-wide statistics, so a cell gets the same row however a slide is tiled (away from the
/// tile's edge, where the neighbourhood is cut).
public struct CellFeatures: Sendable, Equatable {
    /// `names.count` values per cell, row-major, in `segmentation.cells` order.
    public var values: [Float]
    public var count: Int

    public static let compartments = ["Nucleus", "Cytoplasm", "Membrane", "Cell"]

    /// The columns, in order. A model file lists them and must match them exactly.
    public static let names: [String] = {
        var n = ["Nucleus: Area µm^2", "Cell: Area µm^2", "Nucleus/Cell area ratio", "Nucleus: Circularity",
                 "Nucleus: Solidity", "Nucleus: Eccentricity"]
        for c in compartments {
            for stain in ["Hematoxylin", "DAB"] {
                n += ["\(c): \(stain) OD mean", "\(c): \(stain) OD max", "\(c): \(stain) OD std dev"]
            }
        }
        n += ["Nucleus: Hematoxylin OD contrast",
              "Density: cells within 25 µm per mm^2", "Density: cells within 50 µm per mm^2"]
        n += smoothed.map { "Smoothed: 25 µm: \(n[$0])" }
        return n
    }()

    /// Columns also given as a neighbourhood mean (QuPath's "Add smoothed features"): weighted
    /// by a Gaussian of 25 µm full width at half maximum over the cell centres within 50 µm, the
    /// cell itself included. Tissue architecture (glands, stroma) shows in these.
    static let smoothed = [0, 1, 3, 4, 5, 6, 8, 9, 15, 18, 30]
    static let baseDimension = 33

    public static var dimension: Int { names.count }

    public init(values: [Float], count: Int) { self.values = values; self.count = count }

    /// Row `i` (a copy; for tests and tables).
    public func row(_ i: Int) -> [Float] {
        let d = Self.dimension
        return Array(values[(i * d)..<((i + 1) * d)])
    }

    public subscript(cell i: Int, feature name: String) -> Float? {
        guard let k = Self.names.firstIndex(of: name), i >= 0, i < count else { return nil }
        return values[i * Self.dimension + k]
    }

    /// Doubles accumulated per cell label: 4 compartments x (count, sumH, sumH², maxH, sumD, sumD², maxD),
    /// then nucleus moments (sumX, sumY, sumXX, sumYY, sumXY) and contrast (sum |ΔH|, pairs).
    private static let stride = 4 * 7 + 5 + 2
    private static let moments = 28, contrast = 33

    /// The features of every cell: one pass over the label planes in fixed bands of rows (each band
    /// its own accumulator, merged in band order: the same values whatever the thread count).
    /// Optical densities are multiplied by the segmentation's `odScale`, as the cells table's are.
    public static func compute(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> CellFeatures {
        let cells = segmentation.cells
        let d = dimension
        guard !cells.isEmpty else { return CellFeatures(values: [], count: 0) }
        let w = segmentation.width, h = segmentation.height
        let count = Int(cells.map(\.label).max() ?? 0)
        guard planes.width == w, planes.height == h, segmentation.nucleusLabels.count == w * h,
              segmentation.cellLabels.count == w * h, segmentation.membraneMask.count == w * h,
              let hOff = planes.planeOffset(.hematoxylin) else {
            return CellFeatures(values: [Float](repeating: 0, count: cells.count * d), count: cells.count)
        }
        let dOff = planes.planeOffset(.dab)
        let partials = ChunkResults<Band>(h, chunks: bandCount)
        planes.values.withUnsafeBufferPointer { v in
            segmentation.nucleusLabels.withUnsafeBufferPointer { nl in
                segmentation.cellLabels.withUnsafeBufferPointer { cl in
                    segmentation.membraneMask.withUnsafeBufferPointer { mm in
                        let box = Planes(v: v, nl: nl, cl: cl, mem: mm)
                        Parallel.forEachChunk(h, chunks: bandCount) { rows in
                            partials.set(rows, accumulate(box, rows: rows, width: w, count: count, hOff: hOff, dOff: dOff))
                        }
                    }
                }
            }
        }
        // Merge the bands in order; nucleus runs (for the convex hull) are kept per label.
        var acc = [Double](repeating: 0, count: (count + 1) * stride)
        for c in 0...count { for k in 0..<4 { acc[c * stride + k * 7 + 3] = -.infinity; acc[c * stride + k * 7 + 6] = -.infinity } }
        var runs: [[Int32]] = Array(repeating: [], count: count + 1)
        for band in partials.values {
            for c in band.touched {
                let o = c * stride
                for k in 0..<4 {
                    let b = o + k * 7
                    acc[b] += band.acc[b]; acc[b + 1] += band.acc[b + 1]; acc[b + 2] += band.acc[b + 2]
                    acc[b + 4] += band.acc[b + 4]; acc[b + 5] += band.acc[b + 5]
                    acc[b + 3] = max(acc[b + 3], band.acc[b + 3]); acc[b + 6] = max(acc[b + 6], band.acc[b + 6])
                }
                for k in moments..<stride { acc[o + k] += band.acc[o + k] }
            }
            var i = 0
            while i + 3 < band.runs.count {
                runs[Int(band.runs[i])] += band.runs[(i + 1)...(i + 3)]
                i += 4
            }
        }
        let px = pixelSizeMicrons > 0 && pixelSizeMicrons.isFinite ? pixelSizeMicrons : 0.5
        let scale = Double(segmentation.odScale)
        var out = [Float](repeating: 0, count: cells.count * d)
        out.withUnsafeMutableBufferPointer { ob in
            let o = SharedPointer(ob.baseAddress!)
            let a = acc, r = runs
            Parallel.forEachChunk(cells.count) { range in
                for i in range {
                    let cell = cells[i]
                    let l = Int(cell.label)
                    guard l > 0, l <= count else { continue }
                    var row = [Double](repeating: 0, count: d)
                    row[0] = Double(cell.nucleusAreaPixels) * px * px
                    row[1] = Double(cell.cellAreaPixels) * px * px
                    row[2] = cell.cellAreaPixels > 0 ? Double(cell.nucleusAreaPixels) / Double(cell.cellAreaPixels) : 1
                    row[3] = cell.nucleusCircularity
                    let b = l * stride
                    let hull = hullArea(r[l])
                    row[4] = hull > 0 ? min(1, a[b] / hull) : 1
                    row[5] = eccentricity(a, b)
                    for k in 0..<4 {
                        let base = b + k * 7, n = a[base]
                        for (s, off) in [(0, 1), (1, 4)] {
                            let col = 6 + k * 6 + s * 3
                            guard n > 0 else { continue }
                            let mean = a[base + off] / n
                            row[col] = mean * scale
                            row[col + 1] = a[base + off + 2] * scale
                            row[col + 2] = max(0, a[base + off + 1] / n - mean * mean).squareRoot() * scale
                        }
                    }
                    row[30] = a[b + contrast + 1] > 0 ? a[b + contrast] / a[b + contrast + 1] * scale : 0
                    for k in 0..<d { o[i * d + k] = Float(row[k]) }
                }
            }
        }
        neighbourhood(cells, pixelSizeMicrons: px, into: &out)
        return CellFeatures(values: out, count: cells.count)
    }

    /// Bands of rows with an accumulator each (fixed, so sums do not depend on the thread count).
    private static let bandCount = 4

    /// One band's sums, the labels it touched (in first-seen order) and its nucleus runs.
    private struct Band: Sendable {
        var acc: [Double]
        var touched: [Int]
        /// Quadruples (label, y, x0, x1), x1 exclusive: each row run of a nucleus.
        var runs: [Int32]
    }

    private struct Planes: @unchecked Sendable {
        let v: UnsafeBufferPointer<Float>, nl: UnsafeBufferPointer<Int32>, cl: UnsafeBufferPointer<Int32>
        let mem: UnsafeBufferPointer<UInt8>
    }

    private static func accumulate(_ p: Planes, rows: Range<Int>, width w: Int, count: Int, hOff: Int, dOff: Int?) -> Band {
        var a = [Double](repeating: 0, count: (count + 1) * stride)
        for c in 0...count { for k in 0..<4 { a[c * stride + k * 7 + 3] = -.infinity; a[c * stride + k * 7 + 6] = -.infinity } }
        var seen = [Bool](repeating: false, count: count + 1)
        var touched: [Int] = []
        var runs: [Int32] = []
        let n = p.nl.count
        a.withUnsafeMutableBufferPointer { ab in
            guard let a = ab.baseAddress, let v = p.v.baseAddress, let nl = p.nl.baseAddress, let cl = p.cl.baseAddress,
                  let mem = p.mem.baseAddress else { return }
            let hp = v + hOff, dp = dOff.map { v + $0 }
            @inline(__always) func add(_ base: Int, _ hv: Double, _ dv: Double) {
                a[base] += 1; a[base + 1] += hv; a[base + 2] += hv * hv
                if hv > a[base + 3] { a[base + 3] = hv }
                a[base + 4] += dv; a[base + 5] += dv * dv
                if dv > a[base + 6] { a[base + 6] = dv }
            }
            for y in rows {
                let row = y * w
                var runLabel: Int32 = 0, runStart = 0
                for x in 0...w {
                    let i = row + x
                    let nu: Int32 = x < w ? nl[i] : 0
                    if nu != runLabel {
                        if runLabel > 0, Int(runLabel) <= count {
                            runs.append(runLabel); runs.append(Int32(truncatingIfNeeded: y))
                            runs.append(Int32(truncatingIfNeeded: runStart)); runs.append(Int32(truncatingIfNeeded: x))
                        }
                        runLabel = nu; runStart = x
                    }
                    guard x < w else { break }
                    let c = cl[i]
                    guard c > 0 || nu > 0 else { continue }
                    let hv = Double(hp[i]), dv = dp.map { Double($0[i]) } ?? 0
                    if nu > 0, Int(nu) <= count {
                        let l = Int(nu), o = l * stride
                        if !seen[l] { seen[l] = true; touched.append(l) }
                        add(o, hv, dv)
                        let fx = Double(x) + 0.5, fy = Double(y) + 0.5
                        a[o + moments] += fx; a[o + moments + 1] += fy
                        a[o + moments + 2] += fx * fx; a[o + moments + 3] += fy * fy; a[o + moments + 4] += fx * fy
                        // Texture: |ΔH| to the right and lower neighbours inside the same nucleus.
                        if x + 1 < w, nl[i + 1] == nu { a[o + contrast] += abs(Double(hp[i + 1]) - hv); a[o + contrast + 1] += 1 }
                        if i + w < n, nl[i + w] == nu { a[o + contrast] += abs(Double(hp[i + w]) - hv); a[o + contrast + 1] += 1 }
                    }
                    if c > 0, Int(c) <= count {
                        let l = Int(c), o = l * stride
                        if !seen[l] { seen[l] = true; touched.append(l) }
                        add(o + 21, hv, dv)
                        if nu == 0 { add(o + 7, hv, dv) }
                        if mem[i] != 0 { add(o + 14, hv, dv) }
                    }
                }
            }
        }
        return Band(acc: a, touched: touched, runs: runs)
    }

    /// Area of the convex hull of a nucleus' pixel squares, from its row runs (triples y, x0, x1,
    /// x1 exclusive): Andrew's monotone chain over the runs' corners.
    static func hullArea(_ runs: [Int32]) -> Double {
        guard runs.count >= 3 else { return 0 }
        var pts: [(Double, Double)] = []
        pts.reserveCapacity(runs.count / 3 * 4)
        var i = 0
        while i + 2 < runs.count {
            let y = Double(runs[i]), x0 = Double(runs[i + 1]), x1 = Double(runs[i + 2])
            pts.append((x0, y)); pts.append((x1, y)); pts.append((x0, y + 1)); pts.append((x1, y + 1))
            i += 3
        }
        pts.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var hull: [(Double, Double)] = []
        for p in pts {
            while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        let lower = hull.count + 1
        for p in pts.reversed().dropFirst() {
            while hull.count >= lower && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        hull.removeLast()
        var s = 0.0
        for k in hull.indices {
            let p = hull[k], q = hull[(k + 1) % hull.count]
            s += p.0 * q.1 - q.0 * p.1
        }
        return abs(s) / 2
    }

    /// Eccentricity of the nucleus' pixel-moment ellipse (0 for a circle, towards 1 for a line).
    private static func eccentricity(_ a: [Double], _ b: Int) -> Double {
        let n = a[b]
        guard n > 1 else { return 0 }
        let mx = a[b + moments] / n, my = a[b + moments + 1] / n
        let sxx = a[b + moments + 2] / n - mx * mx + 1.0 / 12, syy = a[b + moments + 3] / n - my * my + 1.0 / 12
        let sxy = a[b + moments + 4] / n - mx * my
        let t = (sxx + syy) / 2, dd = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        let l1 = t + dd, l2 = max(0, t - dd)
        guard l1 > 0 else { return 0 }
        return (1 - l2 / l1).squareRoot()
    }

    /// Per cell: other cell centres within 25 µm and within 50 µm, per mm² of those discs, and the
    /// smoothed columns (`smoothed`), in rows whose other columns are filled.
    static func neighbourhood(_ cells: [Cell], pixelSizeMicrons px: Double, into out: inout [Float]) {
        let r1 = 25 / px, r2 = 50 / px
        let sigma = 25 / (8 * log(2.0)).squareRoot() / px
        var grid: [Int64: [Int]] = [:]
        func key(_ gx: Int, _ gy: Int) -> Int64 { Int64(gx) &* 1_000_003 &+ Int64(gy) }
        for (j, c) in cells.enumerated() { grid[key(Int(c.centroidX / r2), Int(c.centroidY / r2)), default: []].append(j) }
        let a1 = Double.pi * 25 * 25 / 1e6, a2 = Double.pi * 50 * 50 / 1e6
        let d = dimension, base = baseDimension, columns = smoothed
        let within25 = 31, within50 = 32   // the density columns
        var sums = [Double](repeating: 0, count: columns.count)
        for (i, c) in cells.enumerated() {
            let gx = Int(c.centroidX / r2), gy = Int(c.centroidY / r2)
            var n1 = 0, n2 = 0, weight = 0.0
            for k in sums.indices { sums[k] = 0 }
            for dx in -1...1 {
                for dy in -1...1 {
                    for j in grid[key(gx + dx, gy + dy)] ?? [] {
                        let ex = cells[j].centroidX - c.centroidX, ey = cells[j].centroidY - c.centroidY
                        let d2 = ex * ex + ey * ey
                        guard d2 <= r2 * r2 else { continue }
                        if j != i { n2 += 1; if d2 <= r1 * r1 { n1 += 1 } }
                        let w = exp(-d2 / (2 * sigma * sigma))
                        weight += w
                        for (k, col) in columns.enumerated() { sums[k] += w * Double(out[j * d + col]) }
                    }
                }
            }
            out[i * d + within25] = Float(Double(n1) / a1)
            out[i * d + within50] = Float(Double(n2) / a2)
            for k in columns.indices { out[i * d + base + k] = Float(weight > 0 ? sums[k] / weight : 0) }
        }
    }
}
