import Foundation
import StainShiftCells
import StainShiftFoundation
import StainShiftStains

/// The neighbourhood columns: densities, smoothed columns, orientation and layout of the neighbours.
extension CellFeatures {
    /// Per cell: other cell centres within 25 µm and within 50 µm, per mm² of those discs, and the
    /// smoothed columns (`smoothed` at 25 µm, its first `wideSmoothedCount` also at 50 µm), in rows
    /// whose other columns are filled. The centres go into a grid of 50 µm squares (a counting sort,
    /// each square's cells in order); each cell sums its 3 x 3 squares in a fixed order, so chunks
    /// of cells run in parallel with the same result.
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
        // A Gaussian of 25 µm full width at half maximum (sigma = FWHM / sqrt(8 ln 2)); the 50 µm
        // one's weight is its fourth root (twice the sigma), two square roots instead of an exp.
        let sigma = 25 / (8 * log(2.0)).squareRoot() / px
        let twoSigma2 = 2 * sigma * sigma
        let d = dimension, base = baseDimension, columns = smoothed, nc = smoothed.count, nw = wideSmoothedCount
        let within25 = 31, within50 = 32   // the density columns
        // Centres, squares and the smoothed columns packed per cell.
        var cx = [Double](repeating: 0, count: n), cy = cx
        var gx = [Int](repeating: 0, count: n), gy = gx
        // A pointer, so the sums over the columns run without a bounds check each (and vectorise).
        let packedBuffer = UnsafeMutablePointer<Double>.allocate(capacity: n * nc)
        defer { packedBuffer.deallocate() }
        for (j, c) in cells.enumerated() {
            cx[j] = c.centroidX; cy[j] = c.centroidY
            gx[j] = Int(c.centroidX / r2); gy[j] = Int(c.centroidY / r2)
            for (k, col) in columns.enumerated() { (packedBuffer + j * nc + k).initialize(to: Double(out[j * d + col])) }
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
            let cx = cx, cy = cy, gx = gx, gy = gy, start = start, members = members
            let packed = SharedReadPointer(UnsafePointer(packedBuffer))
            let hCol = smoothed.firstIndex(of: 6)!, areaCol = smoothed.firstIndex(of: 0)!
            // Each nucleus' doubled-angle axis vector, weighted by its eccentricity (a round nucleus has no axis).
            let axisX = (0..<n).map { Double(ob[$0 * d + 5]) * cos(2 * orientation[$0]) }
            let axisY = (0..<n).map { Double(ob[$0 * d + 5]) * sin(2 * orientation[$0]) }
            let ecc = (0..<n).map { Double(ob[$0 * d + 5]) }
            Parallel.forEachChunk(n) { range in
                // The 25 µm sums, then the 50 µm ones.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: nc + nw) { sums in
                    let narrow = sums.baseAddress!, broad = narrow + nc
                    for i in range {
                        let ix = cx[i], iy = cy[i]
                        var n1 = 0, n2 = 0, weight = 0.0, wideWeight = 0.0
                        narrow.update(repeating: 0, count: nc + nw)
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
                                    let w = exp(-d2 / twoSigma2), wide = w.squareRoot().squareRoot()
                                    weight += w; wideWeight += wide
                                    let v = packed.p + j * nc
                                    addScaled(narrow, v, w, nc)
                                    addScaled(broad, v, wide, nw)
                                }
                            }
                        }
                        o[i * d + within25] = Float(Double(n1) / a1)
                        o[i * d + within50] = Float(Double(n2) / a2)
                        for k in 0..<nc { o[i * d + base + k] = Float(weight > 0 ? narrow[k] / weight : 0) }
                        for k in 0..<nw { o[i * d + base + nc + k] = Float(wideWeight > 0 ? broad[k] / wideWeight : 0) }
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
                        let meanH = others > 1e-9 ? (narrow[hCol] - selfH) / others : 0
                        let meanArea = others > 1e-9 ? (narrow[areaCol] - selfArea) / others : 0
                        o[row + relativeHColumn] = Float(meanH > 0 ? selfH / meanH : 1)
                        o[row + relativeAreaColumn] = Float(meanArea > 0 ? selfArea / meanArea : 1)
                    }
                }
            }
        }
    }

    /// `acc[k] += w * v[k]` for k in 0..<count, four lanes at a time (each lane the same multiply
    /// then add as the scalar tail, so the same doubles; the pointers may not be proven apart, which
    /// keeps the compiler from vectorising the plain loop).
    @inline(__always)
    static func addScaled(_ acc: UnsafeMutablePointer<Double>, _ v: UnsafePointer<Double>, _ w: Double, _ count: Int) {
        let ws = SIMD4<Double>(repeating: w)
        var k = 0
        while k + 4 <= count {
            let a = UnsafeMutableRawPointer(acc + k), b = UnsafeRawPointer(v + k)
            a.storeBytes(of: a.loadUnaligned(as: SIMD4<Double>.self) + ws * b.loadUnaligned(as: SIMD4<Double>.self), as: SIMD4<Double>.self)
            k += 4
        }
        while k < count { acc[k] += w * v[k]; k += 1 }
    }
}
