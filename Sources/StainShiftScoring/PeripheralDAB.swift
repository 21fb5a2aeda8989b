import StainShiftCells
import StainShiftStains

/// Per-cell mean DAB of the brightest fraction of non-nuclear pixels (see `Marker.membraneTopFraction`).
enum PeripheralDAB {
    /// Values indexed like `segmentation.cells`; nil when planes and labels do not match.
    static func topMeans(_ seg: CellSegmentation, planes: StainPlanes, fraction: Double) -> [Double]? {
        let n = seg.width * seg.height
        guard planes.width == seg.width, planes.height == seg.height, seg.cellLabels.count == n,
              seg.nucleusLabels.count == n, let dOff = planes.planeOffset(.dab), !seg.cells.isEmpty else { return nil }
        var maxLabel = 0
        for c in seg.cells { maxLabel = max(maxLabel, Int(c.label)) }
        guard maxLabel > 0 else { return nil }
        // Counting sort of the cells' non-nuclear DAB values by label: one flat buffer.
        var start = [Int](repeating: 0, count: maxLabel + 2)
        seg.cellLabels.withUnsafeBufferPointer { cl in
            seg.nucleusLabels.withUnsafeBufferPointer { nl in
                for i in 0..<n {
                    let l = Int(cl[i])
                    if l > 0, l <= maxLabel, nl[i] != cl[i] { start[l + 1] += 1 }
                }
            }
        }
        for l in 1...(maxLabel + 1) { start[l] += start[l - 1] }
        var fill = start
        var values = [Float](repeating: 0, count: start[maxLabel + 1])
        planes.values.withUnsafeBufferPointer { v in
            seg.cellLabels.withUnsafeBufferPointer { cl in
                seg.nucleusLabels.withUnsafeBufferPointer { nl in
                    values.withUnsafeMutableBufferPointer { out in
                        for i in 0..<n {
                            let l = Int(cl[i])
                            guard l > 0, l <= maxLabel, nl[i] != cl[i] else { continue }
                            out[fill[l]] = v[dOff + i]
                            fill[l] += 1
                        }
                    }
                }
            }
        }
        return seg.cells.map { cell in
            let l = Int(cell.label)
            guard l > 0, l <= maxLabel else { return 0 }
            let slice = values[start[l]..<start[l + 1]]
            guard !slice.isEmpty else { return cell.meanDAB(.cell) }
            let k = max(1, Int((Double(slice.count) * fraction).rounded()))
            let top = slice.sorted(by: >).prefix(k)
            let mean = Double(top.reduce(0, +)) / Double(k)
            return mean.isFinite ? mean : 0
        }
    }
}
