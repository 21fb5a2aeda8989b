import Foundation
import StainShiftCells
import StainShiftFoundation
import StainShiftStains

/// Per-cell features for a trained cell classifier, one row per cell of a segmentation, with
/// QuPath-style column names (as in the `--cells` table). A row depends on the cell and its
/// neighbourhood only (the cell's own pixels, the pixels within 40 µm and the cell centres within
/// 50 µm), never on tile-wide statistics, so a cell gets the same row however a slide is tiled
/// (away from the tile's edge, where the neighbourhood is cut; the context squares snap to a grid
/// of 2 µm blocks from the tile's corner).
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
        n += smoothed.prefix(wideSmoothedCount).map { "Smoothed: 50 µm: \(n[$0])" }
        n += contextNames
        return n
    }()

    /// Columns also given as a neighbourhood mean (QuPath's "Add smoothed features"): weighted
    /// by a Gaussian of 25 µm full width at half maximum over the cell centres within 50 µm, the
    /// cell itself included. Tissue architecture (glands, stroma) shows in these. Every base
    /// column: first the eleven smoothed before issue 17's second round, then the others in order
    /// (on EndoNuke, half/half, smoothing them all raised the epithelium-vs-stroma AUC from
    /// 0.916/0.937 to 0.928/0.949).
    static let smoothed: [Int] = firstSmoothed + (0..<baseDimension).filter { !firstSmoothed.contains($0) }
    /// The eleven base columns smoothed before issue 17's second round.
    static let firstSmoothed = [0, 1, 3, 4, 5, 6, 8, 9, 15, 18, 30]
    /// These eleven (the first `wideSmoothedCount` of `smoothed`) also at 50 µm, the other width QuPath's
    /// cell-classification workflows add: a Gaussian of 50 µm FWHM over the same centres within
    /// 50 µm (QuPath reaches twice the width; cut here at 6% of the peak, which gave the same AUC
    /// as 100 µm in a scikit-learn prototype on EndoNuke). Epithelium vs stroma, half/half, with
    /// the context columns: AUC 0.942/0.957 without, 0.945/0.961 with these eleven, 0.947/0.962
    /// with all 42 (which cost a tenth more feature time than these).
    static var wideSmoothedCount: Int { firstSmoothed.count }
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
        context(cells, planes: planes, odScale: Float(scale), pixelSizeMicrons: px, into: &out)
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
        /// One compartment's 7 doubles (count, sumH, sumH², maxH, sumD, sumD², maxD) as the running
        /// sums (sumH, sumH², sumD, sumD²) and maxima (H, D) held in registers along a run: a lane
        /// per sum, each still adding its pixels one by one in raster order.
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>) -> (SIMD4<Double>, SIMD2<Double>) {
            (SIMD4(p[1], p[2], p[4], p[5]), SIMD2(p[3], p[6]))
        }
        @inline(__always) func store(_ p: UnsafeMutablePointer<Double>, _ n: Int, _ sum: SIMD4<Double>, _ top: SIMD2<Double>) {
            // Counts are whole numbers far below 2^53: an integer count adds up to the same double.
            p[0] += Double(n); p[1] = sum[0]; p[2] = sum[1]; p[3] = top[0]; p[4] = sum[2]; p[5] = sum[3]; p[6] = top[1]
        }
        /// The 7 sums at `s` over the pixels `x0..<x1` of row `row`.
        @inline(__always) func sums(_ s: UnsafeMutablePointer<Double>, _ row: Int, _ x0: Int, _ x1: Int) {
            var (sum, top) = load(s)
            for i in (row &+ x0)..<(row &+ x1) {
                let hv = Double(hp[i]), dv = hasDAB ? Double(dp[i]) : 0
                let hd = SIMD2(hv, dv)
                sum += SIMD4(hv, hv * hv, dv, dv * dv)
                top.replace(with: hd, where: hd .> top)
            }
            store(s, x1 - x0, sum, top)
        }
        /// The cell's three compartments in one loop, without branches: a pixel outside the
        /// cytoplasm or membrane adds +0 (an identity for these sums, which start at +0 and so are
        /// never -0), and the maxima take the pixel only if it is in. Each sum still adds its
        /// pixels one by one in raster order (a lane per sum); the three dependency chains overlap.
        @inline(__always) func cellSums(_ o: UnsafeMutablePointer<Double>, _ row: Int, _ x0: Int, _ x1: Int) {
            let e = o + 21, c = o + 7, m = o + 14
            var (es, et) = load(e), (cs, ct) = load(c), (ms, mt) = load(m)
            var cn = 0, mn = 0
            for i in (row &+ x0)..<(row &+ x1) {
                let hv = Double(hp[i]), dv = hasDAB ? Double(dp[i]) : 0
                let hd = SIMD2(hv, dv), v = SIMD4(hv, hv * hv, dv, dv * dv)
                let inC = nl[i] == 0, inM = mem[i] != 0
                es += v
                et.replace(with: hd, where: hd .> et)
                cn &+= inC ? 1 : 0
                cs += v.replacing(with: 0, where: .init(repeating: !inC))
                ct.replace(with: hd, where: (hd .> ct) .& .init(repeating: inC))
                mn &+= inM ? 1 : 0
                ms += v.replacing(with: 0, where: .init(repeating: !inM))
                mt.replace(with: hd, where: (hd .> mt) .& .init(repeating: inM))
            }
            store(e, x1 - x0, es, et); store(c, cn, cs, ct); store(m, mn, ms, mt)
        }
        /// The end of the run of equal labels starting at `x` in row `row`: eight labels compared
        /// at a time, then one by one at the row's end.
        @inline(__always) func runEnd(_ labels: UnsafePointer<Int32>, _ row: Int, _ x: Int) -> Int {
            let p = UnsafeRawPointer(labels + row), l = labels[row + x]
            let same = SIMD8<Int32>(repeating: l)
            var end = x + 1
            while end + 8 <= w {
                let differs = p.loadUnaligned(fromByteOffset: end * 4, as: SIMD8<Int32>.self) .!= same
                if any(differs) {
                    var k = 0
                    while !differs[k] { k += 1 }
                    return end + k
                }
                end += 8
            }
            while end < w, labels[row + end] == l { end += 1 }
            return end
        }
        /// Nucleus runs of row `y`: the run itself (for the hull), the sums, moments and contrast.
        @inline(__always) func nucleusRow(_ y: Int) {
            let row = y * w
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
                sums(o, row, x, end)
                addMoments(o + moments, y: y, x0: x, x1: end)
                // Texture: |ΔH| to the right and lower neighbours inside the same nucleus, added in
                // that order pixel by pixel. A lower neighbour outside the nucleus (or below the
                // last row) adds |ΔH| x 0 = +0, which leaves the sum's bits as they were.
                var ct = o[contrast], below = 0
                let down = row &+ w < n ? w : 0, last = row &+ end &- 1
                @inline(__always) func lower(_ i: Int, _ hv: Double) {
                    let inside = down != 0 && nl[i &+ down] == nu
                    ct += abs(Double(hp[i &+ down]) - hv) * (inside ? 1 : 0)
                    below &+= inside ? 1 : 0
                }
                for i in (row &+ x)..<last {
                    let hv = Double(hp[i])
                    ct += abs(Double(hp[i &+ 1]) - hv)
                    lower(i, hv)
                }
                lower(last, Double(hp[last]))
                o[contrast] = ct
                o[contrast + 1] += Double(end - x - 1 + below)
            }
        }
        /// Cell runs of row `y`: the whole cell, its cytoplasm (no nucleus label) and its membrane.
        @inline(__always) func cellRow(_ y: Int) {
            let row = y * w
            var x = 0
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
        // Row y's cell runs come one row ahead of its nucleus runs: the nucleus texture reads the
        // row below, which the cell runs have just brought into cache. The two write disjoint
        // sums, each still in raster order.
        guard let first = rows.first else { return band }
        cellRow(first)
        for y in rows {
            if y + 1 < rows.upperBound { cellRow(y + 1) }
            nucleusRow(y)
        }
        band.touched = touched
        band.runs = runs
        return band
    }

    /// Adds one row run's pixel-centre moments (sums of x, y, x², y², xy over the pixels `x0..<x1`
    /// of row `y`, centres at +0.5) to `m`, in closed form. Every term and partial sum is a whole
    /// number of quarters, exact in a double, so this is the same double as adding pixel by pixel.
    @inline(__always) static func addMoments(_ m: UnsafeMutablePointer<Double>, y: Int, x0: Int, x1: Int) {
        let n = x1 - x0, fy = Double(y) + 0.5
        guard n > 0 else { return }
        // Σ (2x+1) and Σ (2x+1)² over the run, in integers (twice and four times the centre sums).
        let a = 2 * x0 + 1, last = 2 * (x1 - 1) + 1
        let twice = n * (a + last) / 2
        let j = n - 1
        let fourTimes = n * a * a + 2 * a * n * j + 2 * j * n * (2 * j + 1) / 3
        let sx = Double(twice) / 2
        m[0] += sx
        m[1] += Double(n) * fy
        m[2] += Double(fourTimes) / 4
        m[3] += Double(n) * (fy * fy)
        m[4] += sx * fy
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

}
