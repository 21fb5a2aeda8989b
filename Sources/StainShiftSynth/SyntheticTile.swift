import StainShiftFoundation
import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

/// A Beer–Lambert generator of H-DAB tiles with exact per-cell truth.
///
/// Tissue is thresholded value noise on white glass; nuclei are wobbly ellipses (tumour: large,
/// pale, elongated; lymphocytes: small, round, dense), some placed touching; each cell is its
/// nucleus plus a cytoplasm rim cut at the Voronoi border with its neighbours, and a 1 µm
/// membrane ring. DAB is painted per compartment by the marker and each cell's bin, over a
/// non-specific background; the concentration maps are blurred, mixed through jittered stain
/// vectors (`I = I0 · 10^-(H·h + D·d)`, Ruifrok & Johnston 2001) and given Gaussian noise.
public enum SyntheticTile {
    /// Painted DAB OD range of each bin (compartment mean before blur): the middles sit between
    /// QuPath's 0.2 / 0.4 / 0.6 thresholds so a correct scorer recovers the painted bin.
    public static func odRange(_ bin: IntensityBin) -> ClosedRange<Double> {
        switch bin {
        case .negative: 0.02...0.08
        case .weak: 0.27...0.34
        case .moderate: 0.48...0.54
        case .strong: 0.72...0.95
        }
    }

    public static func generate(_ spec: TileSpec, seed: UInt64) -> (image: RGBImage, truth: TileTruth) {
        var layout = Layout(spec: spec, seed: seed)
        layout.placeCells()
        layout.rasterise()
        layout.assignBins()
        return layout.render()
    }
}

/// One tile under construction.
struct Layout {
    struct Nucleus {
        var x: Double, y: Double
        var a: Double, b: Double, angle: Double
        var w3: Double, p3: Double, w4: Double, p4: Double
        var lymphocyte: Bool
        var touching: Bool
        var meanRadius: Double { (a * b).squareRoot() }
        var maxRadius: Double { max(a, b) * (1 + w3 + w4) }

        /// Boundary radius (px) in direction `t` (radians, image frame).
        func radius(_ t: Double) -> Double {
            let u = t - angle
            let c = cos(u), s = sin(u)
            let r = a * b / ((b * c) * (b * c) + (a * s) * (a * s)).squareRoot()
            return r * (1 + w3 * cos(3 * u + p3) + w4 * cos(4 * u + p4))
        }
    }

    let spec: TileSpec
    let seed: UInt64
    let w: Int, h: Int
    let um: Double  // pixels per µm
    var rng: SplitMix64
    var tissue: [UInt8]
    var nuclei: [Nucleus] = []
    var nucleusLabels: [Int32]
    var cellLabels: [Int32]
    var membrane: [UInt8]
    var bins: [IntensityBin] = []
    var secondaryBins: [IntensityBin?] = []
    var primaryOD: [Double] = []
    var secondaryOD: [Double?] = []
    /// Stained membrane arc per cell: start angle and extent (2π: complete).
    var arcs: [(Double, Double)] = []

    init(spec: TileSpec, seed: UInt64) {
        self.spec = spec; self.seed = seed
        w = max(0, spec.width); h = max(0, spec.height)
        um = 1 / max(spec.pixelSizeMicrons, 1e-3)
        rng = SplitMix64(seed: seed, stream: 1)
        nucleusLabels = [Int32](repeating: 0, count: w * h)
        cellLabels = nucleusLabels
        membrane = [UInt8](repeating: 0, count: w * h)
        tissue = Layout.tissueMask(w, h, fraction: spec.tissueFraction, spacing: 90 * um, seed: seed)
    }

    /// Value noise (two octaves, smoothstep interpolation) thresholded at the quantile giving `fraction`.
    static func tissueMask(_ w: Int, _ h: Int, fraction: Double, spacing: Double, seed: UInt64) -> [UInt8] {
        let n = w * h
        if fraction >= 0.999 { return [UInt8](repeating: 1, count: n) }
        if fraction <= 0.001 || n == 0 { return [UInt8](repeating: 0, count: n) }
        var rng = SplitMix64(seed: seed, stream: 2)
        let field = ValueNoise.field(w, h, spacing: spacing, rng: &rng)
        let detail = ValueNoise.field(w, h, spacing: spacing / 3, rng: &rng)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = field[i] + 0.35 * detail[i] }
        var sample = stride(from: 0, to: n, by: 7).map { v[$0] }
        sample.sort()
        let k = min(sample.count - 1, max(0, Int(Double(sample.count) * (1 - fraction))))
        let cut = sample[k]
        return v.map { $0 >= cut ? 1 : 0 }
    }

    func isTissue(_ x: Double, _ y: Double) -> Bool {
        let xi = Int(x), yi = Int(y)
        guard xi >= 0, yi >= 0, xi < w, yi < h else { return false }
        return tissue[yi * w + xi] != 0
    }

    mutating func newNucleus(x: Double, y: Double, lymphocyte: Bool) -> Nucleus {
        let range = lymphocyte ? spec.lymphocyteRadiusMicrons : spec.tumourRadiusMicrons
        let r = rng.uniform(range.lowerBound, range.upperBound) * um
        let aspect = lymphocyte ? rng.uniform(1.0, 1.08) : rng.uniform(1.0, 1.5)
        let wobble = lymphocyte ? 0.02 : 0.07
        return Nucleus(x: x, y: y, a: r * aspect.squareRoot(), b: r / aspect.squareRoot(),
                       angle: rng.uniform(0, .pi), w3: rng.uniform(0, wobble), p3: rng.uniform(0, 2 * .pi),
                       w4: rng.uniform(0, wobble * 0.6), p4: rng.uniform(0, 2 * .pi),
                       lymphocyte: lymphocyte, touching: false)
    }

    /// Dart throwing with class-dependent spacing; some tumour nuclei are placed touching a neighbour.
    mutating func placeCells() {
        guard w > 0, h > 0 else { return }
        let tissueArea = Double(tissue.reduce(0) { $0 + Int($1) })
        let meanR = (spec.tumourRadiusMicrons.lowerBound + spec.tumourRadiusMicrons.upperBound) / 2 * um
        let cellArea = Double.pi * pow(meanR + (spec.spacingMicrons.lowerBound + spec.spacingMicrons.upperBound) / 4 * um, 2)
        let attempts = Int(min(2_000_000, 12 * tissueArea / max(cellArea, 1)))
        let grid = SpatialGrid(width: w, height: h, cell: max(8, Int(3 * meanR)))
        var index = grid
        let margin = spec.marginMicrons * um
        func fits(_ n: Nucleus, partner: Int?) -> Bool {
            let edge = n.maxRadius + margin
            guard n.x >= edge, n.y >= edge, n.x <= Double(w) - edge, n.y <= Double(h) - edge,
                  isTissue(n.x, n.y) else { return false }
            let gap = rng.uniform(spec.spacingMicrons.lowerBound, spec.spacingMicrons.upperBound) * um
            var ok = true
            index.forEachNear(n.x, n.y, radius: n.maxRadius + gap + 2 * meanR * 1.6) { j in
                if j == partner { return }
                let o = nuclei[j]
                let dx = o.x - n.x, dy = o.y - n.y
                let need = n.meanRadius + o.meanRadius + (o.lymphocyte || n.lymphocyte ? gap * 0.6 : gap)
                if dx * dx + dy * dy < need * need { ok = false }
            }
            return ok
        }
        for _ in 0..<attempts {
            let lymph = rng.chance(spec.lymphocyteFraction)
            let n = newNucleus(x: rng.uniform(0, Double(w)), y: rng.uniform(0, Double(h)), lymphocyte: lymph)
            guard fits(n, partner: nil) else { continue }
            index.insert(nuclei.count, n.x, n.y)
            nuclei.append(n)
            // A touching partner: overlapping by about a fifth of the two radii, as in crowded tumour.
            guard !lymph, rng.chance(spec.touchingFraction) else { continue }
            let p = nuclei.count - 1
            for _ in 0..<12 {
                var m = newNucleus(x: 0, y: 0, lymphocyte: false)
                let t = rng.uniform(0, 2 * .pi)
                let d = 0.82 * (nuclei[p].radius(t) + m.radius(t + .pi))
                m.x = nuclei[p].x + d * cos(t); m.y = nuclei[p].y + d * sin(t)
                m.touching = true
                guard fits(m, partner: p) else { continue }
                nuclei[p].touching = true
                index.insert(nuclei.count, m.x, m.y)
                nuclei.append(m)
                break
            }
        }
    }

    /// Nucleus and cell label maps, then the membrane ring.
    mutating func rasterise() {
        guard w > 0, h > 0 else { return }
        let n = w * h
        var nucleusQ = [Float](repeating: .infinity, count: n)
        var cellD = [Float](repeating: .infinity, count: n)
        let rim = spec.cytoplasmMicrons * um
        for (k, nu) in nuclei.enumerated() {
            let label = Int32(k + 1)
            let reach = nu.maxRadius + rim + 1
            let x0 = max(0, Int(nu.x - reach)), x1 = min(w - 1, Int(nu.x + reach))
            let y0 = max(0, Int(nu.y - reach)), y1 = min(h - 1, Int(nu.y + reach))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let dx = Double(x) + 0.5 - nu.x, dy = Double(y) + 0.5 - nu.y
                    let d = (dx * dx + dy * dy).squareRoot()
                    let r = nu.radius(atan2(dy, dx))
                    let i = y * w + x
                    let q = Float(d / r)
                    if q <= 1, q < nucleusQ[i] { nucleusQ[i] = q; nucleusLabels[i] = label }
                    let outside = Float(d - r)
                    if outside <= Float(rim), outside < cellD[i] { cellD[i] = outside; cellLabels[i] = label }
                }
            }
        }
        for i in 0..<n where nucleusLabels[i] != 0 { cellLabels[i] = nucleusLabels[i] }
        for i in 0..<n where cellLabels[i] != 0 { tissue[i] = 1 }
        // Membrane: cell pixels outside the nucleus within `membraneMicrons` of another label.
        let m = max(1, Int((spec.membraneMicrons * um).rounded()))
        var offsets: [(Int, Int)] = []
        for dy in -m...m { for dx in -m...m where dx * dx + dy * dy <= m * m && (dx != 0 || dy != 0) { offsets.append((dx, dy)) } }
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let l = cellLabels[i]
                guard l != 0, nucleusLabels[i] == 0 else { continue }
                for (dx, dy) in offsets {
                    let xx = x + dx, yy = y + dy
                    if xx < 0 || yy < 0 || xx >= w || yy >= h { continue }
                    if cellLabels[yy * w + xx] != l { membrane[i] = 1; break }
                }
            }
        }
    }

    /// Exact counts: round(fraction x tumour cells) positive, spread over 1+/2+/3+ by the weights.
    mutating func assignBins() {
        var brng = SplitMix64(seed: seed, stream: 3)
        let tumour = nuclei.indices.filter { !nuclei[$0].lymphocyte }
        let lymph = nuclei.indices.filter { nuclei[$0].lymphocyte }
        bins = [IntensityBin](repeating: .negative, count: nuclei.count)
        secondaryBins = [IntensityBin?](repeating: nil, count: nuclei.count)
        func spread(_ idx: [Int], fraction: Double, into out: inout [IntensityBin]) {
            var order = idx
            brng.shuffle(&order)
            let positives = min(order.count, max(0, Int((Double(order.count) * min(1, max(0, fraction))).rounded())))
            let wsum = max(1e-9, spec.binWeights.prefix(3).reduce(0, +))
            let weights = spec.binWeights.count >= 3 ? spec.binWeights.map { $0 / wsum } : [0.4, 0.35, 0.25]
            let nWeak = Int((Double(positives) * weights[0]).rounded())
            let nModerate = min(positives - nWeak, Int((Double(positives) * weights[1]).rounded()))
            for (rank, i) in order.prefix(positives).enumerated() {
                out[i] = rank < nWeak ? .weak : rank < nWeak + nModerate ? .moderate : .strong
            }
        }
        spread(tumour, fraction: spec.positiveFraction, into: &bins)
        spread(lymph, fraction: spec.lymphocytePositiveFraction, into: &bins)
        if spec.marker.secondary != nil {
            var sec = [IntensityBin](repeating: .negative, count: nuclei.count)
            spread(tumour, fraction: spec.secondaryPositiveFraction, into: &sec)
            spread(lymph, fraction: 0, into: &sec)
            for i in nuclei.indices { secondaryBins[i] = sec[i] }
        }
        arcs = bins.map { b in
            guard b != .negative, brng.chance(spec.partialMembraneFraction) else { return (0, 2 * .pi) }
            return (brng.uniform(0, 2 * .pi), brng.uniform(0.35, 0.7) * 2 * .pi)
        }
        primaryOD = bins.map { let r = SyntheticTile.odRange($0); return brng.uniform(r.lowerBound, r.upperBound) }
        secondaryOD = secondaryBins.map { b in b.map { let r = SyntheticTile.odRange($0); return brng.uniform(r.lowerBound, r.upperBound) } }
    }

    /// Concentration maps → blur → jittered Beer–Lambert → noise → 8-bit RGB, plus the truth.
    mutating func render() -> (image: RGBImage, truth: TileTruth) {
        let n = w * h
        var hem = [Float](repeating: 0, count: n), dab = [Float](repeating: 0, count: n)
        var trng = SplitMix64(seed: seed, stream: 4)
        let texture = n > 0 ? ValueNoise.field(w, h, spacing: 2.5 * um, rng: &trng) : []
        let stroma = n > 0 ? ValueNoise.field(w, h, spacing: 12 * um, rng: &trng) : []
        // Hematoxylin OD of nuclei: tumour 0.36-0.60, lymphocytes (dense chromatin) 0.78-0.98, so a tile's
        // hematoxylin 99th percentile sits near 0.8, the level of a well-stained real scan (OS-2 Hamamatsu: 0.82).
        let nuclearH: [Double] = nuclei.map { $0.lymphocyte ? trng.uniform(0.78, 0.98) : trng.uniform(0.36, 0.60) }
        let marker = spec.marker
        let bg = Float(spec.backgroundDAB)
        for i in 0..<n where tissue[i] != 0 {
            let l = Int(cellLabels[i])
            let tex = texture[i]
            if l == 0 {
                hem[i] = 0.05 + 0.10 * stroma[i] + 0.03 * tex
                dab[i] = bg * (0.6 + 0.8 * stroma[i])
                continue
            }
            let k = l - 1
            let inNucleus = nucleusLabels[i] != 0
            let compartment: Compartment = inNucleus ? .nucleus : membrane[i] != 0 ? .membrane : .cytoplasm
            if inNucleus {
                hem[i] = Float(nuclearH[k]) * (0.8 + 0.4 * tex)
            } else {
                hem[i] = 0.10 + 0.04 * tex
            }
            // The painted level is the compartment's whole DAB; non-specific background is its floor.
            var d = Double(bg)
            if compartment == marker.primary, compartment != .membrane || inArc(k, i) {
                d = max(d, primaryOD[k])
            } else if let s = marker.secondary, let od = secondaryOD[k],
                      compartment == s || (s == .cytoplasm && compartment == .membrane) {
                d = max(d, od)  // cytoplasmic staining fills the cell up to its membrane
            } else if marker.primary == .membrane, compartment == .cytoplasm, marker.secondary == nil {
                d = max(d, 0.25 * primaryOD[k])  // membranous markers leave a faint cytoplasmic blush
            }
            dab[i] = Float(d) * (0.92 + 0.16 * tex)
        }
        if spec.counterstain != 1 {
            let c = Float(max(0, spec.counterstain))
            for i in 0..<n { hem[i] *= c }
        }
        Blur.gaussian(&hem, w, h, sigma: spec.blurSigmaPixels)
        Blur.gaussian(&dab, w, h, sigma: spec.blurSigmaPixels)
        let stains = jitteredStains(&trng)
        let hv = stains.stains[0], dv = stains.stains[1]
        var out = [UInt8](repeating: 0, count: 3 * n)
        var nrng = SplitMix64(seed: seed, stream: 5)
        let i0 = spec.backgroundLevel
        let coef: [(Double, Double)] = [(hv.r, dv.r), (hv.g, dv.g), (hv.b, dv.b)]
        for i in 0..<n {
            let hc = Double(hem[i]), dc = Double(dab[i])
            for c in 0..<3 {
                let od = hc * coef[c].0 + dc * coef[c].1
                var v = i0 * pow(10, -od)
                if spec.noise > 0 { v += spec.noise * nrng.normal() }
                out[3 * i + c] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        let image = RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: spec.pixelSizeMicrons)
        return (image, truth(stains))
    }

    /// True when pixel `i` lies on the stained arc of cell `k`'s membrane.
    func inArc(_ k: Int, _ i: Int) -> Bool {
        let (start, extent) = arcs[k]
        if extent >= 2 * .pi { return true }
        let x = Double(i % w) + 0.5 - nuclei[k].x, y = Double(i / w) + 0.5 - nuclei[k].y
        var a = atan2(y, x) - start
        while a < 0 { a += 2 * .pi }
        while a >= 2 * .pi { a -= 2 * .pi }
        return a <= extent
    }

    /// Each stain vector turned by a small random rotation (Gaussian components, renormalised).
    func jitteredStains(_ r: inout SplitMix64) -> StainMatrix {
        let sd = sin(spec.stainJitterDegrees * .pi / 180)
        func jitter(_ v: StainVector) -> StainVector {
            guard sd > 0 else { return v }
            let c = [v.r + sd * r.normal(), v.g + sd * r.normal(), v.b + sd * r.normal()].map { max(0.01, $0) }
            return (try? StainVector(role: v.role, r: c[0], g: c[1], b: c[2])) ?? v
        }
        let a = jitter(spec.stains.stains[0]), b = jitter(spec.stains.stains[1])
        return (try? StainMatrix(a, b)) ?? spec.stains
    }

    func truth(_ stains: StainMatrix) -> TileTruth {
        var sumX = [Double](repeating: 0, count: nuclei.count), sumY = sumX
        var area = [Int](repeating: 0, count: nuclei.count)
        for y in 0..<h {
            for x in 0..<w {
                let l = Int(nucleusLabels[y * w + x])
                guard l > 0 else { continue }
                sumX[l - 1] += Double(x) + 0.5; sumY[l - 1] += Double(y) + 0.5; area[l - 1] += 1
            }
        }
        let cells = nuclei.indices.map { k in
            CellTruth(label: Int32(k + 1), cellClass: nuclei[k].lymphocyte ? .lymphocyte : .tumour,
                      bin: bins[k], secondaryBin: secondaryBins[k],
                      centroidX: area[k] > 0 ? sumX[k] / Double(area[k]) : nuclei[k].x,
                      centroidY: area[k] > 0 ? sumY[k] / Double(area[k]) : nuclei[k].y,
                      nucleusAreaPixels: area[k], primaryOD: primaryOD[k], secondaryOD: secondaryOD[k],
                      touching: nuclei[k].touching)
        }
        return TileTruth(width: w, height: h, pixelSizeMicrons: spec.pixelSizeMicrons, marker: spec.marker.name,
                         cells: cells, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                         membraneMask: membrane, tissueMask: tissue, stains: stains)
    }
}

/// Uniform grid of point indices for neighbour queries during placement.
struct SpatialGrid {
    let cell: Int, cols: Int, rows: Int
    var buckets: [[Int]]
    var points: [Int: (Double, Double)] = [:]

    init(width: Int, height: Int, cell: Int) {
        self.cell = cell
        cols = max(1, (width + cell - 1) / cell); rows = max(1, (height + cell - 1) / cell)
        buckets = [[Int]](repeating: [], count: cols * rows)
    }

    mutating func insert(_ id: Int, _ x: Double, _ y: Double) {
        let cx = min(cols - 1, max(0, Int(x) / cell)), cy = min(rows - 1, max(0, Int(y) / cell))
        buckets[cy * cols + cx].append(id)
    }

    func forEachNear(_ x: Double, _ y: Double, radius: Double, _ body: (Int) -> Void) {
        let r = Int(radius.rounded(.up)) / cell + 1
        let cx = Int(x) / cell, cy = Int(y) / cell
        for by in max(0, cy - r)...min(rows - 1, max(0, cy + r)) {
            for bx in max(0, cx - r)...min(cols - 1, max(0, cx + r)) {
                for id in buckets[by * cols + bx] { body(id) }
            }
        }
    }
}
