import StainShiftFoundation
import Testing
import StainShiftTissue

/// The distance transform against brute force.
@Suite struct DistanceTransformTests {
    /// Both row passes (with nearest features: scalar; without: eight pixels at a time) against
    /// brute force, at limits below and above the gaps and on widths around the vector width.
    @Test(arguments: [(37, 23, 6.0), (37, 23, 2.5), (9, 12, 4.0), (1, 15, 3.0), (70, 9, 40.0)])
    func distanceTransformMatchesBruteForce(width w: Int, height h: Int, limit: Double) {
        var rng = SplitMix64(seed: 7)
        let mask = (0..<(w * h)).map { _ in UInt8(rng.uniform() < 0.04 ? 1 : 0) }
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

/// Blurring rows written by a source equals copying them into the image and blurring in place
/// (both sigmas), and a sigma below 0.05 pixel copies the rows unchanged.
@Suite struct GaussianRowsTests {
    @Test(arguments: [0.01, 1.0, 2.5])
    func rowSourceMatchesCopyThenBlur(sigma: Double) {
        let w = 37, h = 11
        let values: [Float] = (0..<(w * h)).map { Float(($0 * 53) % 97) / 40 }
        var inPlace = values, fromRows = [Float](repeating: -1, count: w * h)
        inPlace.withUnsafeMutableBufferPointer { GaussianBlur.blur($0.baseAddress!, width: w, height: h, sigma: sigma) }
        values.withUnsafeBufferPointer { vb in
            let source = SharedPointer(UnsafeMutablePointer(mutating: vb.baseAddress!))
            fromRows.withUnsafeMutableBufferPointer { fp in
                GaussianBlur.blur(rows: { y, out in out.update(from: source.p + y * w, count: w) }, into: fp.baseAddress!,
                                  width: w, height: h, sigma: sigma)
            }
        }
        #expect(fromRows == inPlace)
        if sigma < 0.05 { #expect(fromRows == values) } else { #expect(fromRows != values) }
    }

    /// The in-place passes (rows straight into the image, columns by strips) against the two-plane
    /// definition with replicated edges, summed in the same order: equal to the last bit, on
    /// widths below, at and across the strip width and images shorter than the kernel.
    @Test(arguments: [(1, 1), (5, 3), (16, 40), (63, 9), (64, 20), (65, 7), (130, 33), (200, 2)])
    func matchesTheTwoPassDefinition(width w: Int, height h: Int) {
        for sigma in [0.6, 1.0, 2.5] {
            let values: [Float] = (0..<(w * h)).map { Float(($0 * 61 + 7) % 113) / 50 }
            var got = values
            got.withUnsafeMutableBufferPointer { GaussianBlur.blur($0.baseAddress!, width: w, height: h, sigma: sigma) }
            let k = GaussianBlur.kernel(sigma: sigma), r = k.count / 2
            func pass(_ at: (Int) -> Float) -> Float {
                var acc = k[r] * at(0)
                for j in 0..<r { acc += k[j] * (at(j - r) + at(r - j)) }
                return acc
            }
            var across = [Float](repeating: 0, count: w * h), want = across
            for y in 0..<h { for x in 0..<w { across[y * w + x] = pass { values[y * w + min(max(x + $0, 0), w - 1)] } } }
            for y in 0..<h { for x in 0..<w { want[y * w + x] = pass { across[min(max(y + $0, 0), h - 1) * w + x] } } }
            #expect(got == want, "\(w)x\(h) sigma \(sigma): \(zip(got, want).filter { $0 != $1 }.count) pixels differ")
        }
    }
}
