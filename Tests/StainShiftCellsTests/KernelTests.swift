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

    /// Both row passes (with nearest features: scalar; without: eight pixels at a time) against
    /// brute force, at limits below and above the gaps and on widths around the vector width.
    @Test(arguments: [(37, 23, 6.0), (37, 23, 2.5), (9, 12, 4.0), (1, 15, 3.0), (70, 9, 40.0)])
    func distanceTransformMatchesBruteForce(width w: Int, height h: Int, limit: Double) {
        var rng = SplitMix(7)
        let mask = (0..<(w * h)).map { _ in UInt8(rng.unit() < 0.04 ? 1 : 0) }
        for withNearest in [true, false] {
            var d = [Float](repeating: 0, count: w * h)
            var near = [Int32](repeating: 0, count: w * h)
            mask.withUnsafeBufferPointer { m in
                d.withUnsafeMutableBufferPointer { db in
                    near.withUnsafeMutableBufferPointer { nb in
                        DistanceTransform.squared(mask: m.baseAddress!, featureNonZero: true, width: w, height: h, limit: limit,
                                                  out: db.baseAddress!, nearest: withNearest ? nb.baseAddress! : nil)
                    }
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    var best = Int.max
                    for yy in 0..<h { for xx in 0..<w where mask[yy * w + xx] != 0 { best = min(best, (x - xx) * (x - xx) + (y - yy) * (y - yy)) } }
                    let i = y * w + x
                    if Double(best) < limit * limit {
                        #expect(d[i] == Float(best), "pixel \(x),\(y), nearest \(withNearest)")
                        let f = Int(near[i])
                        if withNearest {
                            #expect(f >= 0 && mask[f] != 0 && (f % w - x) * (f % w - x) + (f / w - y) * (f / w - y) == best)
                        }
                    } else {
                        #expect(d[i] == DistanceTransform.unreachable, "pixel \(x),\(y) beyond the limit, nearest \(withNearest)")
                        if withNearest { #expect(near[i] == -1) }
                    }
                }
            }
        }
    }

    @Test func watershedSplitsTwoOverlappingDisksAtTheNeck() {
        let w = 60, h = 40
        var mask = Self.disks(w, h, [(20, 20, 10), (37, 20, 10)])
        var d = [Float](repeating: 0, count: w * h)
        var labels = [Int32](repeating: 0, count: w * h)
        mask.withUnsafeMutableBufferPointer { m in
            d.withUnsafeMutableBufferPointer { db in
                labels.withUnsafeMutableBufferPointer { l in
                    NucleusSegmenter.split(m.baseAddress!, distance: db.baseAddress!, width: w, height: h, tolerance: 1,
                                           maxRadius: 20, enabled: true, labels: l.baseAddress!)
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

/// Hole filling against its definition: an unset pixel stays unset exactly when a path of unset
/// pixels (4- or 8-connected) joins it to the image border (computed here by repeated relaxation).
@Suite struct FillHolesTests {
    static func reference(_ mask: [UInt8], width w: Int, height h: Int, eight: Bool = false) -> [UInt8] {
        var outside = [Bool](repeating: false, count: w * h)
        for y in 0..<h { for x in 0..<w where (x == 0 || y == 0 || x == w - 1 || y == h - 1) && mask[y * w + x] == 0 { outside[y * w + x] = true } }
        var changed = true
        while changed {
            changed = false
            for y in 0..<h {
                for x in 0..<w where mask[y * w + x] == 0 && !outside[y * w + x] {
                    var reached = false
                    for dy in -1...1 {
                        for dx in -1...1 where (dx != 0 || dy != 0) && (eight || dx == 0 || dy == 0) {
                            let u = x + dx, v = y + dy
                            if u >= 0 && u < w && v >= 0 && v < h && outside[v * w + u] { reached = true }
                        }
                    }
                    if reached { outside[y * w + x] = true; changed = true }
                }
            }
        }
        return outside.map { $0 ? 0 : 1 }
    }

    @Test(arguments: [(1, 40, 30), (2, 1, 20), (3, 25, 1), (4, 64, 64), (5, 3, 3)])
    func fillsExactlyTheEnclosedBackground(seed: Int, width w: Int, height h: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        // Random rings, spirals of set pixels and noise: enclosed pockets, diagonal leaks, border touches.
        for density in [0.3, 0.5, 0.65] {
            var mask = [UInt8](repeating: 0, count: w * h)
            for i in mask.indices {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                mask[i] = Double(state >> 11) / Double(1 << 53) < density ? 1 : 0
            }
            for eight in [false, true] {
                var got = mask
                got.withUnsafeMutableBufferPointer {
                    BinaryMorphology.fillHoles($0.baseAddress!, width: w, height: h, eightConnectedBackground: eight)
                }
                #expect(got == Self.reference(mask, width: w, height: h, eight: eight),
                        "seed \(seed) \(w)x\(h) density \(density) eight-connected \(eight)")
            }
        }
    }

    /// A disk cut by a diagonal one-pixel line (the kind of watershed line between two touching
    /// nuclei that 4-connected labelling separates): with an eight-connected background the line
    /// stays open and the disk labels as two; a 4-connected fill closes it.
    @Test func keepsADiagonalLineOpenWithEightConnectedBackground() {
        let w = 21, c = 10
        var mask = [UInt8](repeating: 0, count: w * w)
        for y in 0..<w { for x in 0..<w where (x - c) * (x - c) + (y - c) * (y - c) <= 81 && x + y != 2 * c { mask[y * w + x] = 1 } }
        func components(eight: Bool) -> Int {
            var m = mask, labels = [Int32](repeating: 0, count: w * w)
            m.withUnsafeMutableBufferPointer { mb in
                BinaryMorphology.fillHoles(mb.baseAddress!, width: w, height: w, eightConnectedBackground: eight)
                labels.withUnsafeMutableBufferPointer { lb in
                    _ = BinaryMorphology.label(mb.baseAddress!, width: w, height: w, eightConnected: false, labels: lb.baseAddress!)
                }
            }
            return Int(labels.max() ?? 0)
        }
        #expect(components(eight: true) == 2)
        #expect(components(eight: false) == 1)
    }
}

@Suite struct Filter3x3Tests {
    /// 3 x 3 dilation and erosion (edges replicated), optionally limited to a second mask, against
    /// the definition, on widths around the 8-pixel words and heights of 1 and 2.
    @Test(arguments: [(1, 1, 1), (2, 9, 2), (3, 10, 5), (4, 17, 13), (5, 33, 1), (6, 64, 40)])
    func filter3x3MatchesTheDefinition(seed: Int, width w: Int, height h: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        func random() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 62 == 0 ? 1 : 0
        }
        let mask = (0..<(w * h)).map { _ in random() }, within = (0..<(w * h)).map { _ in 1 - random() }
        for dilate in [true, false] {
            for limit in [nil, within] {
                var want = [UInt8](repeating: 0, count: w * h)
                for y in 0..<h {
                    for x in 0..<w {
                        var any = false, all = true
                        for dy in -1...1 {
                            for dx in -1...1 {
                                let v = mask[min(max(y + dy, 0), h - 1) * w + min(max(x + dx, 0), w - 1)] != 0
                                any = any || v; all = all && v
                            }
                        }
                        want[y * w + x] = (dilate ? any : all) && (limit.map { $0[y * w + x] != 0 } ?? true) ? 1 : 0
                    }
                }
                var got = mask
                got.withUnsafeMutableBufferPointer { g in
                    if let limit {
                        limit.withUnsafeBufferPointer {
                            BinaryMorphology.filter3x3(g.baseAddress!, width: w, height: h, dilate: dilate, within: $0.baseAddress!)
                        }
                    } else {
                        BinaryMorphology.filter3x3(g.baseAddress!, width: w, height: h, dilate: dilate)
                    }
                }
                #expect(got == want, "seed \(seed) \(w)x\(h) dilate \(dilate) limited \(limit != nil)")
            }
        }
    }
}

/// `Parallel.serially`: the same chunks, in chunk order, all on the calling thread.
@Suite struct SerialChunksTests {
    @Test func seriallyRunsTheSameChunksInOrderOnTheCallingThread() {
        let order = ChunkResults<Int>(1000)
        let seen = ChunkResults<Range<Int>>(1000)
        let start = Counter()
        #expect(!Parallel.isSerial)
        Parallel.serially {
            #expect(Parallel.isSerial)
            Parallel.forEachChunk(1000) { r in order.set(r, start.next()); seen.set(r, r) }
        }
        #expect(!Parallel.isSerial)
        #expect(order.values == Array(0..<Parallel.defaultChunks))
        #expect(seen.values == Parallel.chunkRanges(1000))
    }

    /// Under a limit of 3 threads the same 16 chunks each run once, on at most 3 threads at a time,
    /// and the previous limit comes back.
    @Test func aThreadLimitRunsTheSameChunksOnFewerThreads() {
        let seen = ChunkResults<Range<Int>>(1000)
        let busy = Gauge()
        let outer = Parallel.setThreadLimit(3)
        #expect(Parallel.threadLimit == 3 && !Parallel.isSerial)
        Parallel.forEachChunk(1000) { r in
            busy.enter()
            seen.set(r, r)
            usleep(2_000)
            busy.leave()
        }
        Parallel.setThreadLimit(outer)
        #expect(Parallel.threadLimit == nil)
        #expect(seen.values == Parallel.chunkRanges(1000))
        #expect(busy.peak <= 3, "peak \(busy.peak) threads")
    }

    /// Threads inside a section at once, and the most seen.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0
        func enter() { lock.lock(); now += 1; peak = max(peak, now); lock.unlock() }
        func leave() { lock.lock(); now -= 1; lock.unlock() }
    }

    /// A counter touched only from one thread (the test fails, not races, if chunks ran elsewhere
    /// concurrently: the order would not be 0, 1, 2, ...).
    final class Counter: @unchecked Sendable {
        private var value = 0
        func next() -> Int { defer { value += 1 }; return value }
    }
}

/// The 5-point Laplacian (eight pixels per step inside a row) against its definition with
/// replicated edges, on widths below, at and around the vector width.
@Suite struct LaplacianTests {
    @Test(arguments: [1, 2, 3, 8, 9, 10, 17, 33])
    func matchesTheDefinition(width w: Int) {
        let h = 4
        let s: [Float] = (0..<(w * h)).map { Float(($0 * 37) % 101) / 50 }
        var out = [Float](repeating: .nan, count: w * h)
        s.withUnsafeBufferPointer { sp in
            out.withUnsafeMutableBufferPointer { op in
                NucleusSegmenter.laplacian(sp.baseAddress!, into: op.baseAddress!, width: w, height: h, rows: 0..<h)
            }
        }
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

/// Blurring rows written by a source equals copying them into the image and blurring in place
/// (both sigmas), and a sigma below 0.05 pixel copies the rows unchanged.
@Suite struct GaussianRowsTests {
    @Test(arguments: [0.01, 1.0, 2.5])
    func rowSourceMatchesCopyThenBlur(sigma: Double) {
        let w = 37, h = 11
        let values: [Float] = (0..<(w * h)).map { Float(($0 * 53) % 97) / 40 }
        var inPlace = values, fromRows = [Float](repeating: -1, count: w * h)
        var scratch = [Float](repeating: 0, count: w * h)
        inPlace.withUnsafeMutableBufferPointer { ip in
            scratch.withUnsafeMutableBufferPointer { sp in
                GaussianBlur.blur(ip.baseAddress!, scratch: sp.baseAddress!, width: w, height: h, sigma: sigma)
            }
        }
        values.withUnsafeBufferPointer { vb in
            let source = SharedPointer(UnsafeMutablePointer(mutating: vb.baseAddress!))
            fromRows.withUnsafeMutableBufferPointer { fp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    GaussianBlur.blur(rows: { y, out in out.update(from: source.p + y * w, count: w) }, into: fp.baseAddress!,
                                      scratch: sp.baseAddress!, width: w, height: h, sigma: sigma)
                }
            }
        }
        #expect(fromRows == inPlace)
        if sigma < 0.05 { #expect(fromRows == values) } else { #expect(fromRows != values) }
    }
}
