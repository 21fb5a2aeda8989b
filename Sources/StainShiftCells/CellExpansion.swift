import StainShiftTissue

/// Cells from nuclei and the membrane ring of each cell.
enum CellExpansion {
    /// Each pixel within `distance` pixels of a nucleus takes the label of its nearest nucleus pixel
    /// (exact Euclidean feature transform), so neighbouring cells meet halfway and never overlap.
    static func expand(_ nuclei: [Int32], width w: Int, height h: Int, distance: Double) -> [Int32] {
        guard distance >= 0.5, !nuclei.isEmpty else { return nuclei }
        let n = w * h
        let limit = Float(distance * distance)
        let mask = nuclei.map { UInt8($0 != 0 ? 1 : 0) }
        var d2 = [Float](repeating: 0, count: n)
        var nearest = [Int32](repeating: -1, count: n)
        mask.withUnsafeBufferPointer { m in
            d2.withUnsafeMutableBufferPointer { d in
                nearest.withUnsafeMutableBufferPointer { f in
                    guard let m = m.baseAddress, let d = d.baseAddress, let f = f.baseAddress else { return }
                    DistanceTransform.squared(mask: m, featureNonZero: true, width: w, height: h, limit: distance + 1,
                                              out: d, nearest: f)
                }
            }
        }
        for i in 0..<n {
            let f = Int(nearest[i])
            nearest[i] = (f >= 0 && f < n && d2[i] <= limit) ? nuclei[f] : 0
        }
        return nearest
    }

    /// 1 for cell pixels closer than `thickness` pixels (at least the edge pixel itself) to the cell's
    /// edge, i.e. to a 4-neighbour of another label or background; the image border is not an edge.
    static func membrane(_ cells: [Int32], width w: Int, height h: Int, thickness: Double) -> [UInt8] {
        let n = w * h
        var edge = [UInt8](repeating: 0, count: n)
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x, k = cells[i]
                guard k != 0 else { continue }
                if (x > 0 && cells[i - 1] != k) || (x + 1 < w && cells[i + 1] != k)
                    || (y > 0 && cells[i - w] != k) || (y + 1 < h && cells[i + w] != k) { edge[i] = 1 }
            }
        }
        let reach = max(0, thickness - 0.5)
        guard reach > 0.5 else { return edge }
        var d2 = [Float](repeating: 0, count: n)
        edge.withUnsafeBufferPointer { e in
            d2.withUnsafeMutableBufferPointer { d in
                guard let e = e.baseAddress, let d = d.baseAddress else { return }
                DistanceTransform.squared(mask: e, featureNonZero: true, width: w, height: h, limit: reach + 1, out: d)
            }
        }
        let limit = Float(reach * reach)
        var ring = [UInt8](repeating: 0, count: n)
        for i in 0..<n where cells[i] != 0 && d2[i] < limit { ring[i] = 1 }
        return ring
    }
}
