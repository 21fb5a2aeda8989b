import StainShiftFoundation
import Foundation
import Testing
import StainShiftTissue
@testable import StainShiftCells

/// The image kernels against brute force and hand-made shapes.
@Suite struct KernelTests {
    static func disks(_ w: Int, _ h: Int, _ list: [(Double, Double, Double)]) -> [UInt8] {
        var m = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                for (cx, cy, r) in list {
                    let dx = Double(x) - cx, dy = Double(y) - cy
                    if dx * dx + dy * dy <= r * r { m[y * w + x] = 1 }
                }
            }
        }
        return m
    }

    @Test func watershedSplitsTwoOverlappingDisksAtTheNeck() {
        let w = 60, h = 40
        var mask = Self.disks(w, h, [(20, 20, 10), (37, 20, 10)])
        var d = [Float](repeating: 0, count: w * h)
        var labels = [Int32](repeating: 0, count: w * h)
        mask.withUnsafeMutableBufferPointer { m in
            d.withUnsafeMutableBufferPointer { db in
                labels.withUnsafeMutableBufferPointer { l in
                    NucleusSegmenter.split(m.baseAddress!, distance: db.baseAddress!, width: w, height: h,
                                           settings: NucleusSplitting(tolerance: 1, maxRadius: 20, enabled: true),
                                           labels: l.baseAddress!)
                }
            }
        }
        #expect(Set(labels).subtracting([0]).count == 2)
        let left = labels[20 * w + 20], right = labels[20 * w + 37]
        #expect(left != 0 && right != 0 && left != right)
        // Every pixel left of the neck (x <= 26) belongs to the left disk, right of it (x >= 31) to the right one.
        for y in 0..<h {
            for x in 0..<w where labels[y * w + x] != 0 {
                if x <= 26 { #expect(labels[y * w + x] == left, "\(x),\(y)") }
                if x >= 31 { #expect(labels[y * w + x] == right, "\(x),\(y)") }
            }
        }
    }
}

/// The production watershed (pointers + replayed merge events) against the sequential priority
/// flood it replaces, label for label, on smooth random surfaces, plateaus and distance maps.
@Suite struct FloodingEquivalenceTests {
    static func surface(width w: Int, height h: Int, seed: UInt64, quantum: Float) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> Float { state = state &* 6364136223846793005 &+ 1442695040888963407; return Float(state >> 40) / Float(1 << 24) }
        // A few Gaussian bumps (touching, some with equal heights) over a negative floor, quantised
        // so that plateaus and ties occur.
        var v = [Float](repeating: -0.05, count: w * h)
        for _ in 0..<(w * h / 150 + 3) {
            let cx = next() * Float(w), cy = next() * Float(h), s = 2 + next() * 6, a = next() < 0.3 ? 1 : 0.3 + next()
            for y in 0..<h {
                for x in 0..<w {
                    let d = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)) / (2 * s * s)
                    if d < 9 { v[y * w + x] += a * Float(exp(Double(-d))) }
                }
            }
        }
        return v.map { ($0 / quantum).rounded(.down) * quantum }
    }

    @Test(arguments: [(1, 64, 48), (2, 1, 40), (3, 37, 1), (4, 120, 90), (5, 7, 7), (6, 200, 150)])
    func matchesThePriorityFlood(seed: Int, width w: Int, height h: Int) {
        for (quantum, dynamic) in [(Float(0.01), 0.0), (0.01, 0.05), (0.05, 0.1), (0.001, 0.02), (0.2, 0.3)] {
            let v = Self.surface(width: w, height: h, seed: UInt64(seed), quantum: quantum)
            var got = [Int32](repeating: 7, count: w * h), want = got
            let scale = 1 / quantum, maxKey = Int((v.max() ?? 0) * scale) + 1
            let a = v.withUnsafeBufferPointer { vb in
                got.withUnsafeMutableBufferPointer { Flooding.flood(values: vb.baseAddress!, width: w, height: h, scale: scale, maxKey: maxKey, level: { Double($0) / Double(scale) }, dynamic: dynamic, labels: $0.baseAddress!) }
            }
            let b = v.withUnsafeBufferPointer { vb in
                want.withUnsafeMutableBufferPointer { PriorityFlood.flood(values: vb.baseAddress!, width: w, height: h, scale: scale, maxKey: maxKey, level: { Double($0) / Double(scale) }, dynamic: dynamic, labels: $0.baseAddress!) }
            }
            #expect(a == b && got == want, "seed \(seed) \(w)x\(h) quantum \(quantum) dynamic \(dynamic): \(a) vs \(b) basins, \(zip(got, want).filter { $0 != $1 }.count) pixels differ")
        }
    }
}

/// The 5-point Laplacian, written over its input (eight pixels per step inside a row, rows in
/// chunks over cores), against its definition with replicated edges: on widths below, at and
/// around the vector width, and on heights of one row, fewer rows than chunks and many more.
@Suite struct LaplacianTests {
    @Test(arguments: [(1, 4), (2, 4), (3, 4), (8, 4), (9, 4), (10, 4), (17, 4), (33, 4), (9, 1), (12, 2), (10, 5), (17, 97)])
    func matchesTheDefinition(width w: Int, height h: Int) {
        let s: [Float] = (0..<(w * h)).map { Float(($0 * 37) % 101) / 50 }
        var out = s
        let rowsSeen = ResultSlots<Int>(count: h)
        out.withUnsafeMutableBufferPointer { op in
            NucleusSegmenter.laplacianInPlace(op.baseAddress!, width: w, height: h) { rows in
                for y in rows { rowsSeen.set(y, (rowsSeen.get(y) ?? 0) + 1) }
            }
        }
        #expect(rowsSeen.all.map { $0 ?? 0 } == [Int](repeating: 1, count: h), "each row handed to the chunk's body once")
        func at(_ x: Int, _ y: Int) -> Float { s[min(max(y, 0), h - 1) * w + min(max(x, 0), w - 1)] }
        for y in 0..<h {
            for x in 0..<w {
                let want = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1)
                #expect(out[y * w + x] == want, "width \(w), pixel \(x),\(y)")
            }
        }
    }
}

/// Nucleus perimeters against scikit-image's `measure.perimeter(mask, neighborhood=4)`, whose
/// values for these shapes were computed with scikit-image 0.26 (`Benchmarks/.venv`).
@Suite struct PerimeterTests {
    @Test func matchesScikitImage() {
        let w = 30, h = 24
        var labels = [Int32](repeating: 0, count: w * h)
        for y in 3..<13 { for x in 4..<14 { labels[y * w + x] = 1 } }                                  // square 10 x 10
        for y in 0..<h { for x in 0..<w where (y - 12) * (y - 12) + (x - 21) * (x - 21) <= 36 { labels[y * w + x] = 2 } }
        for x in 2..<12 { labels[20 * w + x] = 3 }                                                       // line 1 x 10
        for y in 0..<5 { for x in 25..<30 { labels[y * w + x] = 4 } }                                   // corner square
        let got = Perimeter.perimeters(labels, width: w, height: h, count: 4)
        let want = [0, 36.0, 38.62741699796952, 8.0, 16.0]
        for k in 1...4 { #expect(abs(got[k] - want[k]) < 1e-9, "region \(k): \(got[k]) vs \(want[k])") }
    }
}
