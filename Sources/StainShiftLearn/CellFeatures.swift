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
        n += ["Nucleus: Length µm", "Nucleus: Width µm", "Neighbours: nearest nucleus µm",
              "Neighbours: 25 µm: orientation coherence", "Neighbours: 25 µm: orientation alignment",
              "Neighbours: 25 µm: layout anisotropy", "Neighbours: 25 µm: nucleus across layout",
              "Neighbours: 50 µm: relative Nucleus: Hematoxylin OD mean", "Neighbours: 50 µm: relative Nucleus: Area µm^2"]
        n += smoothed.map { "Smoothed: 25 µm: \(n[$0])" }
        return n
    }()

    /// Columns also given as a neighbourhood mean (QuPath's "Add smoothed features"): weighted
    /// by a Gaussian of 25 µm full width at half maximum over the cell centres within 50 µm, the
    /// cell itself included. Tissue architecture (glands, stroma) shows in these. Every base
    /// column: first the eleven smoothed before issue 17's second round, then the others in order
    /// (on EndoNuke, half/half, smoothing them all raised the epithelium-vs-stroma AUC from
    /// 0.916/0.937 to 0.928/0.949).
    static let smoothed: [Int] = {
        let first = [0, 1, 3, 4, 5, 6, 8, 9, 15, 18, 30]
        return first + (0..<baseDimension).filter { !first.contains($0) }
    }()
    static let baseDimension = 42
    /// The columns of the nucleus' axes and of the neighbourhood's shape (`neighbourhood`).
    static let lengthColumn = 33, widthColumn = 34, nearestColumn = 35, coherenceColumn = 36, alignmentColumn = 37
    static let anisotropyColumn = 38, acrossColumn = 39, relativeHColumn = 40, relativeAreaColumn = 41

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
        // Merge the bands in order. Nucleus runs (for the convex hull) go into one flat array
        // grouped by label (a counting sort), each label's runs in band order, so in raster order.
        let bands = partials.values
        var acc = [Double](repeating: 0, count: (count + 1) * stride)
        for c in 0...count { for k in 0..<4 { acc[c * stride + k * 7 + 3] = -.infinity; acc[c * stride + k * 7 + 6] = -.infinity } }
        var runStart = [Int](repeating: 0, count: count + 2)
        for band in bands {
            let ba = band.acc
            for c in band.touched {
                let o = c * stride
                for k in 0..<4 {
                    let b = o + k * 7
                    acc[b] += ba[b]; acc[b + 1] += ba[b + 1]; acc[b + 2] += ba[b + 2]
                    acc[b + 4] += ba[b + 4]; acc[b + 5] += ba[b + 5]
                    acc[b + 3] = max(acc[b + 3], ba[b + 3]); acc[b + 6] = max(acc[b + 6], ba[b + 6])
                }
                for k in moments..<stride { acc[o + k] += ba[o + k] }
            }
            var i = 0
            while i + 3 < band.runs.count { runStart[Int(band.runs[i]) + 1] += 3; i += 4 }
        }
        for l in 0...count { runStart[l + 1] += runStart[l] }
        var runs = [Int32](repeating: 0, count: runStart[count + 1])
        var fill = runStart
        for band in bands {
            var i = 0
            while i + 3 < band.runs.count {
                let l = Int(band.runs[i]), f = fill[l]
                runs[f] = band.runs[i + 1]; runs[f + 1] = band.runs[i + 2]; runs[f + 2] = band.runs[i + 3]
                fill[l] = f + 3
                i += 4
            }
        }
        let px = pixelSizeMicrons > 0 && pixelSizeMicrons.isFinite ? pixelSizeMicrons : 0.5
        let scale = Double(segmentation.odScale)
        var out = [Float](repeating: 0, count: cells.count * d)
        // Each nucleus' long-axis direction (radians), for the neighbourhood's orientation columns.
        var orientation = [Double](repeating: 0, count: cells.count)
        orientation.withUnsafeMutableBufferPointer { thb in
        let th = SharedPointer(thb.baseAddress!)
        out.withUnsafeMutableBufferPointer { ob in
            let o = SharedPointer(ob.baseAddress!)
            let a = acc, r = runs, starts = runStart
            Parallel.forEachChunk(cells.count) { range in
                var scratch = HullScratch()
                a.withUnsafeBufferPointer { a in
                    r.withUnsafeBufferPointer { r in
                        for i in range {
                            let cell = cells[i]
                            let l = Int(cell.label)
                            guard l > 0, l <= count else { continue }
                            let row = i * d
                            o[row] = Float(Double(cell.nucleusAreaPixels) * px * px)
                            o[row + 1] = Float(Double(cell.cellAreaPixels) * px * px)
                            o[row + 2] = Float(cell.cellAreaPixels > 0 ? Double(cell.nucleusAreaPixels) / Double(cell.cellAreaPixels) : 1)
                            o[row + 3] = Float(cell.nucleusCircularity)
                            let b = l * stride
                            let hull = hullArea(UnsafeBufferPointer(rebasing: r[starts[l]..<starts[l + 1]]), scratch: &scratch)
                            o[row + 4] = Float(hull > 0 ? min(1, a[b] / hull) : 1)
                            let axes = ellipse(a, b)
                            o[row + 5] = Float(axes.eccentricity)
                            o[row + lengthColumn] = Float(axes.length * px)
                            o[row + widthColumn] = Float(axes.width * px)
                            th[i] = axes.angle
                            for k in 0..<4 {
                                let base = b + k * 7, n = a[base]
                                guard n > 0 else { continue }
                                for s in 0..<2 {
                                    let col = row + 6 + k * 6 + s * 3, off = base + (s == 0 ? 1 : 4)
                                    let mean = a[off] / n
                                    o[col] = Float(mean * scale)
                                    o[col + 1] = Float(a[off + 2] * scale)
                                    o[col + 2] = Float(max(0, a[off + 1] / n - mean * mean).squareRoot() * scale)
                                }
                            }
                            o[row + 30] = Float(a[b + contrast + 1] > 0 ? a[b + contrast] / a[b + contrast + 1] * scale : 0)
                        }
                    }
                }
            }
        }
        }
        neighbourhood(cells, orientation: orientation, pixelSizeMicrons: px, into: &out)
        return CellFeatures(values: out, count: cells.count)
    }

    /// Bands of rows with an accumulator each (fixed, so sums do not depend on the thread count).
    private static let bandCount = 4

    /// One band's sums, the labels it touched (in first-seen order) and its nucleus runs. `acc`
    /// holds `stride` doubles per label, set only for the labels in `touched` (pages of labels
    /// the band never meets are never written).
    private final class Band: @unchecked Sendable {
        let acc: UnsafeMutablePointer<Double>
        var touched: [Int] = []
        /// Quadruples (label, y, x0, x1), x1 exclusive: each row run of a nucleus, in raster order.
        var runs: [Int32] = []
        init(labels: Int) { acc = .allocate(capacity: labels * CellFeatures.stride) }
        deinit { acc.deallocate() }
    }

    private struct Planes: @unchecked Sendable {
        let v: UnsafeBufferPointer<Float>, nl: UnsafeBufferPointer<Int32>, cl: UnsafeBufferPointer<Int32>
        let mem: UnsafeBufferPointer<UInt8>
    }

    private static func accumulate(_ p: Planes, rows: Range<Int>, width w: Int, count: Int, hOff: Int, dOff: Int?) -> Band {
        let band = Band(labels: count + 1)
        guard let v = p.v.baseAddress, let nl = p.nl.baseAddress, let cl = p.cl.baseAddress,
              let mem = p.mem.baseAddress else { return band }
        let seen = UnsafeMutablePointer<Bool>.allocate(capacity: count + 1)
        seen.initialize(repeating: false, count: count + 1)
        defer { seen.deallocate() }
        var touched: [Int] = []
        var runs: [Int32] = []
        let a = band.acc, n = p.nl.count
        let hp = v + hOff, hasDAB = dOff != nil, dp = v + (dOff ?? hOff)
        @inline(__always) func touch(_ l: Int) {
            guard !seen[l] else { return }
            seen[l] = true
            touched.append(l)
            let o = a + l * stride
            o.initialize(repeating: 0, count: stride)
            for k in 0..<4 { o[k * 7 + 3] = -.infinity; o[k * 7 + 6] = -.infinity }
        }
        /// The 7 sums at `s` over the pixels `x0..<x1` of row `row` that `take`, held in registers
        /// along the run (each sum still adds its pixels one by one in raster order).
        @inline(__always) func sums(_ s: UnsafeMutablePointer<Double>, _ row: Int, _ x0: Int, _ x1: Int, _ take: (Int) -> Bool) {
            var c0 = s[0], h1 = s[1], h2 = s[2], hm = s[3], d1 = s[4], d2 = s[5], dm = s[6]
            for i in (row + x0)..<(row + x1) where take(i) {
                let hv = Double(hp[i]), dv = hasDAB ? Double(dp[i]) : 0
                c0 += 1; h1 += hv; h2 += hv * hv
                if hv > hm { hm = hv }
                d1 += dv; d2 += dv * dv
                if dv > dm { dm = dv }
            }
            s[0] = c0; s[1] = h1; s[2] = h2; s[3] = hm; s[4] = d1; s[5] = d2; s[6] = dm
        }
        /// The cell's three compartments in one loop, without branches: a pixel outside the
        /// cytoplasm or membrane adds +0 (an identity for these sums, which start at +0 and so are
        /// never -0), and the maxima take the pixel only if it is in. Each sum still adds its
        /// pixels one by one in raster order; the three dependency chains overlap.
        @inline(__always) func cellSums(_ o: UnsafeMutablePointer<Double>, _ row: Int, _ x0: Int, _ x1: Int) {
            let e = o + 21, c = o + 7, m = o + 14
            var en = 0, eh1 = e[1], eh2 = e[2], ehm = e[3], ed1 = e[4], ed2 = e[5], edm = e[6]
            var cn = 0, ch1 = c[1], ch2 = c[2], chm = c[3], cd1 = c[4], cd2 = c[5], cdm = c[6]
            var mn = 0, mh1 = m[1], mh2 = m[2], mhm = m[3], md1 = m[4], md2 = m[5], mdm = m[6]
            for i in (row + x0)..<(row + x1) {
                let hv = Double(hp[i]), dv = hasDAB ? Double(dp[i]) : 0
                let hh = hv * hv, dd = dv * dv
                en += 1; eh1 += hv; eh2 += hh; ed1 += dv; ed2 += dd
                ehm = hv > ehm ? hv : ehm
                edm = dv > edm ? dv : edm
                let inC = nl[i] == 0, inM = mem[i] != 0
                cn += inC ? 1 : 0
                ch1 += inC ? hv : 0; ch2 += inC ? hh : 0; cd1 += inC ? dv : 0; cd2 += inC ? dd : 0
                chm = inC && hv > chm ? hv : chm
                cdm = inC && dv > cdm ? dv : cdm
                mn += inM ? 1 : 0
                mh1 += inM ? hv : 0; mh2 += inM ? hh : 0; md1 += inM ? dv : 0; md2 += inM ? dd : 0
                mhm = inM && hv > mhm ? hv : mhm
                mdm = inM && dv > mdm ? dv : mdm
            }
            // Counts are whole numbers far below 2^53: an integer count adds up to the same double.
            e[0] += Double(en); e[1] = eh1; e[2] = eh2; e[3] = ehm; e[4] = ed1; e[5] = ed2; e[6] = edm
            c[0] += Double(cn); c[1] = ch1; c[2] = ch2; c[3] = chm; c[4] = cd1; c[5] = cd2; c[6] = cdm
            m[0] += Double(mn); m[1] = mh1; m[2] = mh2; m[3] = mhm; m[4] = md1; m[5] = md2; m[6] = mdm
        }
        /// The end of the run of equal labels starting at `x` in row `row`.
        @inline(__always) func runEnd(_ labels: UnsafePointer<Int32>, _ row: Int, _ x: Int) -> Int {
            let l = labels[row + x]
            var end = x + 1
            while end < w, labels[row + end] == l { end += 1 }
            return end
        }
        for y in rows {
            let row = y * w
            // Nucleus runs: the run itself (for the hull), the sums, moments and contrast.
            var x = 0
            while x < w {
                let nu = nl[row + x], end = runEnd(nl, row, x)
                defer { x = end }
                guard nu > 0, Int(nu) <= count else { continue }
                runs.append(nu); runs.append(Int32(truncatingIfNeeded: y))
                runs.append(Int32(truncatingIfNeeded: x)); runs.append(Int32(truncatingIfNeeded: end))
                let l = Int(nu)
                touch(l)
                let o = a + l * stride
                sums(o, row, x, end) { _ in true }
                let fy = Double(y) + 0.5
                var sx = o[moments], sy = o[moments + 1], sxx = o[moments + 2], syy = o[moments + 3], sxy = o[moments + 4]
                var ct = o[contrast], pairs = o[contrast + 1]
                for xx in x..<end {
                    let i = row + xx, hv = Double(hp[i])
                    let fx = Double(xx) + 0.5
                    sx += fx; sy += fy; sxx += fx * fx; syy += fy * fy; sxy += fx * fy
                    // Texture: |ΔH| to the right and lower neighbours inside the same nucleus.
                    if xx + 1 < end { ct += abs(Double(hp[i + 1]) - hv); pairs += 1 }
                    // Below, without a branch (+0 when the pixel below is outside the nucleus).
                    let below = i + w < n, j = below ? i + w : i, inside = below && nl[j] == nu
                    ct += inside ? abs(Double(hp[j]) - hv) : 0; pairs += inside ? 1 : 0
                }
                o[moments] = sx; o[moments + 1] = sy; o[moments + 2] = sxx; o[moments + 3] = syy; o[moments + 4] = sxy
                o[contrast] = ct; o[contrast + 1] = pairs
            }
            // Cell runs: the whole cell, its cytoplasm (no nucleus label) and its membrane.
            x = 0
            while x < w {
                let c = cl[row + x], end = runEnd(cl, row, x)
                defer { x = end }
                guard c > 0, Int(c) <= count else { continue }
                let l = Int(c)
                touch(l)
                let o = a + l * stride
                cellSums(o, row, x, end)
            }
        }
        band.touched = touched
        band.runs = runs
        return band
    }

    /// Reusable buffers for `hullArea` (one per chunk of cells: no allocation per cell).
    struct HullScratch {
        var levels: [Int64] = []
        var hull: [Int64] = []
    }

    /// Area of the convex hull of a nucleus' pixel squares, from its row runs (triples y, x0, x1,
    /// x1 exclusive, in raster order). Only a row's outermost corners can be hull vertices, so on
    /// each grid line y just the leftmost and rightmost corners touching it are kept; taken line by
    /// line they come sorted by (y, x), and Andrew's monotone chain runs over them with no sort.
    /// The corners are integers, so the area is exact.
    static func hullArea(_ runs: UnsafeBufferPointer<Int32>, scratch: inout HullScratch) -> Double {
        guard runs.count >= 3 else { return 0 }
        // At most one grid line per row plus one (3 values each), and a hull of at most every
        // point twice plus one (2 values each): the buffers only ever grow.
        let lines = runs.count / 3 + 1
        if scratch.levels.count < 3 * lines { scratch.levels = [Int64](repeating: 0, count: 3 * lines * 2) }
        if scratch.hull.count < 2 * (4 * lines + 1) { scratch.hull = [Int64](repeating: 0, count: 2 * (4 * lines + 1) * 2) }
        return scratch.levels.withUnsafeMutableBufferPointer { lvb in
            scratch.hull.withUnsafeMutableBufferPointer { hb in
                let lv = lvb.baseAddress!, hull = hb.baseAddress!
                // Grid lines as triples (y, leftmost x, rightmost x).
                var c = 0, i = 0
                while i + 2 < runs.count {
                    let y = Int64(runs[i])
                    var lo = Int64(runs[i + 1]), hi = Int64(runs[i + 2])
                    i += 3
                    while i + 2 < runs.count, Int64(runs[i]) == y { lo = min(lo, Int64(runs[i + 1])); hi = max(hi, Int64(runs[i + 2])); i += 3 }
                    if c >= 3, lv[c - 3] == y { lv[c - 2] = min(lv[c - 2], lo); lv[c - 1] = max(lv[c - 1], hi) } else { lv[c] = y; lv[c + 1] = lo; lv[c + 2] = hi; c += 3 }
                    lv[c] = y + 1; lv[c + 1] = lo; lv[c + 2] = hi; c += 3
                }
                // Points k = 2 * line + (0 left, 1 right), as (u, v) = (y, x): sorted by u, then v.
                let m = c / 3 * 2
                var top = 0   // values on the hull stack (2 per point)
                @inline(__always) func push(_ k: Int, keeping floor: Int) {
                    let pu = lv[k / 2 * 3], pv = lv[k / 2 * 3 + 1 + k % 2]
                    while top >= floor {
                        let ou = hull[top - 4], ov = hull[top - 3], au = hull[top - 2], av = hull[top - 1]
                        guard (au - ou) * (pv - ov) - (av - ov) * (pu - ou) <= 0 else { break }
                        top -= 2
                    }
                    hull[top] = pu; hull[top + 1] = pv; top += 2
                }
                for k in 0..<m { push(k, keeping: 4) }
                let lower = top + 2
                for k in Swift.stride(from: m - 2, through: 0, by: -1) { push(k, keeping: lower) }
                top -= 2
                let vertices = top / 2
                var s: Int64 = 0
                for k in 0..<vertices {
                    let q = (k + 1) % vertices
                    s += hull[2 * k] * hull[2 * q + 1] - hull[2 * q] * hull[2 * k + 1]
                }
                return Double(abs(s)) / 2
            }
        }
    }

    /// The nucleus' pixel-moment ellipse: eccentricity (0 for a circle, towards 1 for a line), the
    /// full lengths of its axes in pixels (4 sqrt of the moments' eigenvalues: an ellipse's own
    /// second moments) and the long axis' angle in radians.
    private static func ellipse(_ a: UnsafeBufferPointer<Double>, _ b: Int) -> (eccentricity: Double, length: Double, width: Double, angle: Double) {
        let n = a[b]
        guard n > 1 else { return (0, 0, 0, 0) }
        let mx = a[b + moments] / n, my = a[b + moments + 1] / n
        let sxx = a[b + moments + 2] / n - mx * mx + 1.0 / 12, syy = a[b + moments + 3] / n - my * my + 1.0 / 12
        let sxy = a[b + moments + 4] / n - mx * my
        let t = (sxx + syy) / 2, dd = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        let l1 = t + dd, l2 = max(0, t - dd)
        guard l1 > 0 else { return (0, 0, 0, 0) }
        return ((1 - l2 / l1).squareRoot(), 4 * l1.squareRoot(), 4 * l2.squareRoot(), atan2(2 * sxy, sxx - syy) / 2)
    }

    /// Per cell: other cell centres within 25 µm and within 50 µm, per mm² of those discs, and the
    /// smoothed columns (`smoothed`), in rows whose other columns are filled. The centres go into a
    /// grid of 50 µm squares (a counting sort, each square's cells in order); each cell sums its
    /// 3 x 3 squares in a fixed order, so chunks of cells run in parallel with the same result.
    ///
    /// Also, from the neighbours within 25 µm: how much their long axes agree (the length of the
    /// mean of their eccentricity-weighted doubled-angle vectors over their summed weights: 1 all
    /// parallel, 0 random), how the cell's own axis lies to theirs (cos of twice the angle between:
    /// 1 parallel, -1 across), how elongated their layout around the cell is (1 - the ratio of the
    /// eigenvalues of their offsets' scatter: 0 a disc, 1 a line) and how the cell's axis lies to
    /// that layout's line (cos of twice the angle, weighted by that anisotropy: columnar epithelium
    /// stands across its row, spindle stroma along its stream); the nearest other centre within
    /// 50 µm (50 when none); and the cell's nucleus hematoxylin and area over its neighbours'
    /// (Gaussian-weighted as the smoothed columns, the cell itself left out; 1 when alone).
    static func neighbourhood(_ cells: [Cell], orientation: [Double], pixelSizeMicrons px: Double, into out: inout [Float]) {
        let n = cells.count
        guard n > 0 else { return }
        let r1 = 25 / px, r2 = 50 / px
        let sigma = 25 / (8 * log(2.0)).squareRoot() / px
        let twoSigma2 = 2 * sigma * sigma
        let d = dimension, base = baseDimension, columns = smoothed, nc = smoothed.count
        let within25 = 31, within50 = 32   // the density columns
        // Centres, squares and the smoothed columns packed per cell.
        var cx = [Double](repeating: 0, count: n), cy = cx
        var gx = [Int](repeating: 0, count: n), gy = gx
        var packed = [Double](repeating: 0, count: n * nc)
        for (j, c) in cells.enumerated() {
            cx[j] = c.centroidX; cy[j] = c.centroidY
            gx[j] = Int(c.centroidX / r2); gy[j] = Int(c.centroidY / r2)
            for (k, col) in columns.enumerated() { packed[j * nc + k] = Double(out[j * d + col]) }
        }
        // Squares with a margin of one all round: (gx - x0 + 1) * rowsOfSquares + (gy - y0 + 1).
        let x0 = gx.min()!, y0 = gy.min()!
        let nx = gx.max()! - x0 + 3, ny = gy.max()! - y0 + 3
        var start = [Int](repeating: 0, count: nx * ny + 1)
        for j in 0..<n { start[(gx[j] - x0 + 1) * ny + gy[j] - y0 + 1 + 1] += 1 }
        for s in 0..<(nx * ny) { start[s + 1] += start[s] }
        var members = [Int](repeating: 0, count: n)
        var fill = start
        for j in 0..<n { let s = (gx[j] - x0 + 1) * ny + gy[j] - y0 + 1; members[fill[s]] = j; fill[s] += 1 }
        let a1 = Double.pi * 25 * 25 / 1e6, a2 = Double.pi * 50 * 50 / 1e6
        let r1s = r1 * r1, r2s = r2 * r2
        out.withUnsafeMutableBufferPointer { ob in
            let o = SharedPointer(ob.baseAddress!)
            let cx = cx, cy = cy, gx = gx, gy = gy, packed = packed, start = start, members = members
            let hCol = smoothed.firstIndex(of: 6)!, areaCol = smoothed.firstIndex(of: 0)!
            // Each nucleus' doubled-angle axis vector, weighted by its eccentricity (a round nucleus has no axis).
            let axisX = (0..<n).map { Double(ob[$0 * d + 5]) * cos(2 * orientation[$0]) }
            let axisY = (0..<n).map { Double(ob[$0 * d + 5]) * sin(2 * orientation[$0]) }
            let ecc = (0..<n).map { Double(ob[$0 * d + 5]) }
            Parallel.forEachChunk(n) { range in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: nc) { sums in
                    for i in range {
                        let ix = cx[i], iy = cy[i]
                        var n1 = 0, n2 = 0, weight = 0.0
                        for k in 0..<nc { sums[k] = 0 }
                        // Doubled-angle sums of the neighbours' axes, their offsets' scatter, the nearest centre.
                        var oc = 0.0, os = 0.0, ow = 0.0, qxx = 0.0, qyy = 0.0, qxy = 0.0, nearest = r2s
                        let ti = orientation[i]
                        let square = (gx[i] - x0 + 1) * ny + gy[i] - y0 + 1
                        for dx in -1...1 {
                            for dy in -1...1 {
                                let s = square + dx * ny + dy
                                for t in start[s]..<start[s + 1] {
                                    let j = members[t]
                                    let ex = cx[j] - ix, ey = cy[j] - iy
                                    let d2 = ex * ex + ey * ey
                                    guard d2 <= r2s else { continue }
                                    if j != i {
                                        n2 += 1
                                        nearest = min(nearest, d2)
                                        if d2 <= r1s {
                                            n1 += 1
                                            let e = ecc[j]
                                            oc += axisX[j]; os += axisY[j]; ow += e
                                            qxx += ex * ex; qyy += ey * ey; qxy += ex * ey
                                        }
                                    }
                                    let w = exp(-d2 / twoSigma2)
                                    weight += w
                                    for k in 0..<nc { sums[k] += w * packed[j * nc + k] }
                                }
                            }
                        }
                        o[i * d + within25] = Float(Double(n1) / a1)
                        o[i * d + within50] = Float(Double(n2) / a2)
                        for k in 0..<nc { o[i * d + base + k] = Float(weight > 0 ? sums[k] / weight : 0) }
                        let row = i * d
                        o[row + nearestColumn] = Float(nearest.squareRoot() * px)
                        let coherence = ow > 0 ? (oc * oc + os * os).squareRoot() / ow : 0
                        o[row + coherenceColumn] = Float(coherence)
                        o[row + alignmentColumn] = Float(ow > 0 && coherence > 0 ? cos(2 * ti - atan2(os, oc)) : 0)
                        let t = (qxx + qyy) / 2, dd = (((qxx - qyy) / 2) * ((qxx - qyy) / 2) + qxy * qxy).squareRoot()
                        let anisotropy = n1 >= 2 && t + dd > 0 ? 1 - max(0, t - dd) / (t + dd) : 0
                        o[row + anisotropyColumn] = Float(anisotropy)
                        o[row + acrossColumn] = Float(anisotropy > 0 ? anisotropy * cos(2 * ti - atan2(2 * qxy, qxx - qyy)) : 0)
                        // Neighbours' weighted means without the cell itself (its weight is exp(0) = 1).
                        let others = weight - 1
                        let selfH = packed[i * nc + hCol], selfArea = packed[i * nc + areaCol]
                        let meanH = others > 1e-9 ? (sums[hCol] - selfH) / others : 0
                        let meanArea = others > 1e-9 ? (sums[areaCol] - selfArea) / others : 0
                        o[row + relativeHColumn] = Float(meanH > 0 ? selfH / meanH : 1)
                        o[row + relativeAreaColumn] = Float(meanArea > 0 ? selfArea / meanArea : 1)
                    }
                }
            }
        }
    }
}
