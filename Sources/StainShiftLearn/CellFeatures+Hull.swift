import Foundation
import StainShiftCells
import StainShiftFoundation
import StainShiftStains

/// The convex hull area behind `Nucleus: Solidity`, from a nucleus's row runs.
extension CellFeatures {
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
}
