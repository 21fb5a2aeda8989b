import Testing
@testable import StainShiftCells

/// The membrane ring against its definition, computed by brute force: a cell pixel is in the ring
/// when some edge pixel (a cell pixel with a 4-neighbour of another label or background) lies at
/// an offset with dx² + dy² < (thickness - 0.5)², or is the pixel itself.
@Suite struct MembraneRingTests {
    static func bruteForce(_ cells: [Int32], width w: Int, height h: Int, thickness: Double) -> [UInt8] {
        func isEdge(_ x: Int, _ y: Int) -> Bool {
            let k = cells[y * w + x]
            guard k != 0 else { return false }
            return (x > 0 && cells[y * w + x - 1] != k) || (x + 1 < w && cells[y * w + x + 1] != k)
                || (y > 0 && cells[(y - 1) * w + x] != k) || (y + 1 < h && cells[(y + 1) * w + x] != k)
        }
        let reach = max(0, thickness - 0.5), r = Int(reach.rounded(.up)) + 1
        var ring = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w where cells[y * w + x] != 0 {
                if isEdge(x, y) { ring[y * w + x] = 1; continue }
                guard reach > 0.5 else { continue }
                search: for dy in -r...r {
                    for dx in -r...r where Double(dx * dx + dy * dy) < reach * reach {
                        let xx = x + dx, yy = y + dy
                        if xx >= 0, xx < w, yy >= 0, yy < h, isEdge(xx, yy) { ring[y * w + x] = 1; break search }
                    }
                }
            }
        }
        return ring
    }

    /// Random blocky label maps with background gaps, odd sizes and touching cells.
    static func labels(width w: Int, height h: Int, seed: UInt64) -> [Int32] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var cells = [Int32](repeating: 0, count: w * h)
        for k in 1...40 {
            let cx = next() % w, cy = next() % h, rx = 2 + next() % 9, ry = 2 + next() % 9
            for y in max(0, cy - ry)..<min(h, cy + ry) {
                for x in max(0, cx - rx)..<min(w, cx + rx) {
                    let dx = Double(x - cx) / Double(rx), dy = Double(y - cy) / Double(ry)
                    if dx * dx + dy * dy <= 1 { cells[y * w + x] = Int32(k) }
                }
            }
        }
        return cells
    }

    @Test(arguments: [0.5, 1, 1.5, 2, 2.7, 4, 6])
    func ringMatchesTheDefinition(thickness: Double) {
        for (seed, (w, h)) in [(1, (61, 47)), (2, (1, 30)), (3, (33, 1)), (4, (80, 80))].map({ (UInt64($0.0), $0.1) }) {
            let cells = Self.labels(width: w, height: h, seed: seed)
            let got = CellExpansion.membrane(cells, width: w, height: h, thickness: thickness)
            let want = Self.bruteForce(cells, width: w, height: h, thickness: thickness)
            #expect(got == want, "thickness \(thickness), \(w)x\(h), seed \(seed): \(zip(got, want).filter { $0 != $1 }.count) pixels differ")
        }
    }
}

/// Cell expansion against the full feature transform it replaced, label for label, including
/// ties between equidistant nuclei, thin images and distances below one pixel.
@Suite struct CellExpansionTests {
    @Test(arguments: [0.5, 0.9, 1, 2.5, 5, 10, 14.2])
    func matchesTheFeatureTransform(distance: Double) {
        for (seed, (w, h)) in [(1, (61, 47)), (2, (1, 30)), (3, (33, 1)), (4, (80, 80)), (5, (150, 40))].map({ (UInt64($0.0), $0.1) }) {
            // Sparse nuclei: shrink the random blobs so gaps of various widths remain.
            let nuclei = MembraneRingTests.labels(width: w, height: h, seed: seed).enumerated().map { i, k in
                (i * 7 + Int(k)) % 5 == 0 ? 0 : k
            }
            let got = CellExpansion.expand(nuclei, width: w, height: h, distance: distance)
            let want = ReferenceExpansion.expand(nuclei, width: w, height: h, distance: distance)
            #expect(got == want, "distance \(distance), \(w)x\(h), seed \(seed): \(zip(got, want).filter { $0 != $1 }.count) pixels differ")
        }
    }

    @Test func equidistantNucleiSplitTheGapAsBefore() {
        // Two single-pixel nuclei on a row and a column: every tie in the gap goes the same way.
        let w = 21, h = 21
        var nuclei = [Int32](repeating: 0, count: w * h)
        nuclei[10 * w + 4] = 1; nuclei[10 * w + 16] = 2; nuclei[4 * w + 10] = 3; nuclei[16 * w + 10] = 4
        #expect(CellExpansion.expand(nuclei, width: w, height: h, distance: 8)
                == ReferenceExpansion.expand(nuclei, width: w, height: h, distance: 8))
    }
}
