import StainShiftCells
import StainShiftStains

/// Per-cell mean DAB of the brightest fraction of non-nuclear pixels (see `Marker.membraneTopFraction`),
/// in the segmentation's normalised OD units (`odScale`), like the cells' compartment means.
enum PeripheralDAB {
    /// Values indexed like `segmentation.cells`; nil when planes and labels do not match.
    /// `ringOnly`: only the membrane ring's pixels (markers whose cytoplasm stains too).
    static func topMeans(_ seg: CellSegmentation, planes: StainPlanes, fraction: Double, ringOnly: Bool = false) -> [Double]? {
        let n = seg.width * seg.height
        guard planes.width == seg.width, planes.height == seg.height, seg.cellLabels.count == n,
              seg.nucleusLabels.count == n, !ringOnly || seg.membraneMask.count == n, let dOff = planes.planeOffset(.dab), !seg.cells.isEmpty else { return nil }
        var maxLabel = 0
        for c in seg.cells { maxLabel = max(maxLabel, Int(c.label)) }
        guard maxLabel > 0 else { return nil }
        // Counting sort of the cells' non-nuclear DAB values by label: one flat buffer. Without the
        // ring-only restriction a cell's non-nuclear pixels are its cytoplasm, whose pixel count the
        // measurement already has; the gather checks those counts and recounts if any is off.
        let ring = seg.membraneMask
        @inline(__always) func counted(_ cl: UnsafeBufferPointer<Int32>, _ nl: UnsafeBufferPointer<Int32>, _ i: Int) -> Int? {
            let l = Int(cl[i])
            return l > 0 && l <= maxLabel && nl[i] != cl[i] && (!ringOnly || ring[i] != 0) ? l : nil
        }
        /// Start of each label's values, and the values; nil when `counts` do not match the pixels.
        func gather(_ counts: [Int]) -> (start: [Int], values: [Float])? {
            var start = counts
            for l in 1...(maxLabel + 1) { start[l] += start[l - 1] }
            var fill = start
            var values = [Float](repeating: 0, count: start[maxLabel + 1])
            var consistent = true
            planes.values.withUnsafeBufferPointer { v in
                seg.cellLabels.withUnsafeBufferPointer { cl in
                    seg.nucleusLabels.withUnsafeBufferPointer { nl in
                        values.withUnsafeMutableBufferPointer { out in
                            for i in 0..<n {
                                guard let l = counted(cl, nl, i) else { continue }
                                guard fill[l] < start[l + 1] else { consistent = false; continue }
                                out[fill[l]] = v[dOff + i]
                                fill[l] += 1
                            }
                        }
                    }
                }
            }
            guard consistent, (1...maxLabel).allSatisfy({ fill[$0] == start[$0 + 1] }) else { return nil }
            return (start, values)
        }
        var measured = [Int](repeating: 0, count: maxLabel + 2)
        for c in seg.cells where c.label > 0 { measured[Int(c.label) + 1] = c.cytoplasm.pixelCount }
        func recount() -> [Int] {
            var counts = [Int](repeating: 0, count: maxLabel + 2)
            seg.cellLabels.withUnsafeBufferPointer { cl in
                seg.nucleusLabels.withUnsafeBufferPointer { nl in
                    for i in 0..<n { if let l = counted(cl, nl, i) { counts[l + 1] += 1 } }
                }
            }
            return counts
        }
        guard let gathered = (ringOnly ? nil : gather(measured)) ?? gather(recount()) else { return nil }
        let start = gathered.start
        var values = gathered.values
        // Cells are independent: selection per cell in parallel, each writing its own slot.
        let cells = seg.cells
        let scale = Double(seg.odScale)
        var out = [Double](repeating: 0, count: cells.count)
        let chunk = 256
        values.withUnsafeMutableBufferPointer { vals in
            out.withUnsafeMutableBufferPointer { res in
                Workers.forEach((cells.count + chunk - 1) / chunk, threads: nil) { c in
                    for k in (c * chunk)..<min(cells.count, (c + 1) * chunk) {
                        let l = Int(cells[k].label)
                        guard l > 0, l <= maxLabel, let base = vals.baseAddress else { continue }
                        let count = start[l + 1] - start[l]
                        guard count > 0 else { res[k] = cells[k].meanDAB(.cell); continue }
                        let top = max(1, Int((Double(count) * fraction).rounded()))
                        let mean = topSum(base + start[l], count, top) / Double(top) * scale
                        res[k] = mean.isFinite ? mean : 0
                    }
                }
            }
        }
        return out
    }

    /// Sum of the `k` largest of `a[0..<n]` (1 <= k <= n), reordering `a` in place: quickselect
    /// (Hoare 1961) on a median-of-three pivot with a branch-free Lomuto partition (larger values to
    /// the front; the comparison is added as 0 or 1, so no unpredictable branch per element). When nothing in the range exceeds the pivot,
    /// a second pass gathers the values equal to it, so runs of ties end the search at once.
    static func topSum(_ a: UnsafeMutablePointer<Float>, _ n: Int, _ k: Int) -> Double {
        let target = min(max(k, 1), n) - 1
        // Invariant: a[0..<lo] >= a[lo..<hi] >= a[hi..<n], and lo <= target < hi.
        var lo = 0, hi = n
        search: while hi - lo > 1 {
            let x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1]
            let pivot = max(min(x, y), min(max(x, y), z))
            var s = lo
            for i in lo..<hi {
                let v = a[i]
                a[i] = a[s]; a[s] = v
                s &+= Int(unsafeBitCast(v > pivot, to: UInt8.self))
            }
            if target < s { hi = s; continue }
            if s > lo { lo = s; continue }
            // The pivot is the range's largest value: gather its ties.
            var e = lo
            for i in lo..<hi {
                let v = a[i]
                a[i] = a[e]; a[e] = v
                e &+= Int(unsafeBitCast(v == pivot, to: UInt8.self))
            }
            // (e == lo only for a NaN pivot, which no decoded image yields: stop rather than spin.)
            if target < e || e == lo { break search }
            lo = e
        }
        var sum = 0.0
        for i in 0...target { sum += Double(a[i]) }
        return sum
    }
}
