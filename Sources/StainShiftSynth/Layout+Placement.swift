import StainShiftFoundation
import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

extension Layout {
    /// Value noise (two octaves, smoothstep interpolation) thresholded at the quantile giving `fraction`.
    static func tissueMask(_ w: Int, _ h: Int, fraction: Double, spacing: Double, seed: UInt64) -> [UInt8] {
        let n = w * h
        if fraction >= 0.999 { return [UInt8](repeating: 1, count: n) }
        if fraction <= 0.001 || n == 0 { return [UInt8](repeating: 0, count: n) }
        var rng = SplitMix64(seed: seed, stream: 2)
        let field = ValueNoise.field(w, h, spacing: spacing, rng: &rng)
        let detail = ValueNoise.field(w, h, spacing: spacing / Paint.tissueDetailScale, rng: &rng)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = field[i] + Paint.tissueDetailWeight * detail[i] }
        var sample = stride(from: 0, to: n, by: Paint.tissueSampleStride).map { v[$0] }
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
        let aspect = lymphocyte ? rng.uniform(1.0, Paint.lymphocyteMaxAspect) : rng.uniform(1.0, Paint.tumourMaxAspect)
        let wobble = lymphocyte ? Paint.lymphocyteWobble : Paint.tumourWobble
        return Nucleus(x: x, y: y, a: r * aspect.squareRoot(), b: r / aspect.squareRoot(),
                       angle: rng.uniform(0, .pi), w3: rng.uniform(0, wobble), p3: rng.uniform(0, 2 * .pi),
                       w4: rng.uniform(0, wobble * Paint.fourthHarmonicShare), p4: rng.uniform(0, 2 * .pi),
                       lymphocyte: lymphocyte, touching: false)
    }

    /// Dart throwing with class-dependent spacing; some tumour nuclei are placed touching a neighbour.
    mutating func placeCells() {
        guard w > 0, h > 0 else { return }
        let tissueArea = Double(tissue.reduce(0) { $0 + Int($1) })
        let meanR = (spec.tumourRadiusMicrons.lowerBound + spec.tumourRadiusMicrons.upperBound) / 2 * um
        let cellArea = Double.pi * pow(meanR + (spec.spacingMicrons.lowerBound + spec.spacingMicrons.upperBound) / 4 * um, 2)
        let attempts = Int(min(Paint.maxAttempts, Paint.attemptsPerCell * tissueArea / max(cellArea, 1)))
        let grid = SpatialGrid(width: w, height: h, cell: max(8, Int(3 * meanR)))
        var index = grid
        let margin = spec.marginMicrons * um
        func fits(_ n: Nucleus, partner: Int?) -> Bool {
            let edge = n.maxRadius + margin
            guard n.x >= edge, n.y >= edge, n.x <= Double(w) - edge, n.y <= Double(h) - edge,
                  isTissue(n.x, n.y) else { return false }
            let gap = rng.uniform(spec.spacingMicrons.lowerBound, spec.spacingMicrons.upperBound) * um
            var ok = true
            index.forEachNear(n.x, n.y, radius: n.maxRadius + gap + 2 * meanR * Paint.neighbourReach) { j in
                if j == partner { return }
                let o = nuclei[j]
                let dx = o.x - n.x, dy = o.y - n.y
                let need = n.meanRadius + o.meanRadius + (o.lymphocyte || n.lymphocyte ? gap * Paint.lymphocyteGapShare : gap)
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
            for _ in 0..<Paint.partnerTries {
                var m = newNucleus(x: 0, y: 0, lymphocyte: false)
                let t = rng.uniform(0, 2 * .pi)
                let d = Paint.touchingDistance * (nuclei[p].radius(t) + m.radius(t + .pi))
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
