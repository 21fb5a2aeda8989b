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
    ///
    /// "Closer than" is Euclidean: a pixel belongs to the ring when an edge pixel lies at an offset
    /// (dx, dy) with dx² + dy² < (thickness - 0.5)². Rings are a few pixels wide, so instead of a
    /// distance transform each row keeps the horizontal distance to its nearest edge pixel (two
    /// scans, capped), and a pixel checks the 2R + 1 rows around it against the disk's half-widths.
    static func membrane(_ cells: [Int32], width w: Int, height h: Int, thickness: Double) -> [UInt8] {
        let n = w * h
        var ring = [UInt8](repeating: 0, count: n)
        guard n > 0 else { return ring }
        let reach = max(0, thickness - 0.5)
        let r = reach > 0.5 ? Int(reach.rounded(.up)) : 0
        // halfWidth[dy + r]: largest dx with dx² + dy² < reach² (-1: no pixel in that row of the disk).
        var halfWidth = [Int](repeating: -1, count: 2 * r + 1)
        for dy in -r...r {
            if r == 0 { halfWidth[0] = 0; break }
            var dx = -1
            while Double((dx + 1) * (dx + 1) + dy * dy) < reach * reach { dx += 1 }
            halfWidth[dy + r] = dx
        }
        let cap = UInt8(min(r + 1, 255))
        var rowDistance = [UInt8](repeating: 0, count: n)
        cells.withUnsafeBufferPointer { c in
            rowDistance.withUnsafeMutableBufferPointer { rd in
                ring.withUnsafeMutableBufferPointer { rg in
                    guard let c = c.baseAddress, let rdb = rd.baseAddress, let rgb = rg.baseAddress else { return }
                    let cp = SharedConst(c), d = Shared(rdb), out = Shared(rgb)
                    // Per row: distance (capped) to the nearest edge pixel of the same row.
                    Parallel.forEachChunk(h) { rows in
                        for y in rows {
                            let row = y * w
                            var last = -Int(cap)
                            for x in 0..<w {
                                let i = row + x, k = cp[i]
                                if k != 0 && ((x > 0 && cp[i - 1] != k) || (x + 1 < w && cp[i + 1] != k)
                                    || (y > 0 && cp[i - w] != k) || (y + 1 < h && cp[i + w] != k)) { last = x }
                                d[i] = UInt8(min(x - last, Int(cap)))
                            }
                            last = w + Int(cap)
                            for x in stride(from: w - 1, through: 0, by: -1) {
                                let i = row + x
                                if d[i] == 0 { last = x }
                                let right = UInt8(min(last - x, Int(cap)))
                                if right < d[i] { d[i] = right }
                            }
                        }
                    }
                    // Per pixel of a cell: any row within the disk with an edge pixel close enough.
                    halfWidth.withUnsafeBufferPointer { hw in
                        guard let hwb = hw.baseAddress else { return }
                        let half = SharedConst(hwb)
                        Parallel.forEachChunk(h) { rows in
                            for y in rows {
                                let row = y * w
                                for x in 0..<w where cp[row + x] != 0 {
                                    var hit = false
                                    for dy in max(-r, -y)...min(r, h - 1 - y) {
                                        let limit = half[dy + r]
                                        if limit >= 0 && Int(d[row + dy * w + x]) <= limit { hit = true; break }
                                    }
                                    if hit { out[row + x] = 1 }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ring
    }
}
