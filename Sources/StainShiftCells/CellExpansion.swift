import StainShiftFoundation
import StainShiftImaging
import StainShiftTissue

/// Cells from nuclei and the membrane ring of each cell.
enum CellExpansion {
    /// Each pixel within `distance` pixels of a nucleus takes the label of its nearest nucleus pixel
    /// (exact Euclidean feature transform), so neighbouring cells meet halfway and never overlap.
    /// Ties go to the nucleus pixel in the same column, then above, then the nearer column, left first.
    ///
    /// Separable (Felzenszwalb & Huttenlocher 2012): each column keeps the signed row offset to its
    /// nearest nucleus pixel (16 bits, capped at the distance), then each row searches the columns
    /// within reach while a closer pixel is still possible, eight pixels per `SIMD8` step. Columns,
    /// then rows, run on all cores.
    static func expand(_ nuclei: [Int32], width w: Int, height h: Int, distance: Double, pool: BufferPool? = nil) -> [Int32] {
        guard distance >= 0.5, !nuclei.isEmpty, w > 0, h > 0 else { return nuclei }
        let n = w * h
        let reach = Int(min(distance, Double(w + h)).rounded(.down))
        let limit = distance * distance
        let none = Int16.max   // no nucleus pixel within `reach` rows
        // Signed offsets stored as their 16-bit patterns, so the buffer can come from the pool.
        var offsets = pool?.uint16sToOverwrite(n) ?? [UInt16](repeating: 0, count: n)
        defer { pool?.recycle(&offsets) }
        var cells = pool?.labels(n) ?? [Int32](repeating: 0, count: n)
        nuclei.withUnsafeBufferPointer { nb in
            offsets.withUnsafeMutableBufferPointer { bits in bits.withMemoryRebound(to: Int16.self) { ob in
                cells.withUnsafeMutableBufferPointer { cb in
                    guard let nbase = nb.baseAddress, let obase = ob.baseAddress, let cbase = cb.baseAddress else { return }
                    let lab = SharedReadPointer(nbase), off = SharedPointer(obase), out = SharedPointer(cbase)
                    // Columns: signed offset to the nearest nucleus row, the one above on ties.
                    // Pixel indices (row + x, below n) wrap-add (&+) as they cannot overflow, and
                    // offsets stay within -reach...reach or are `none`, never Int16.min (so the
                    // magnitude is the absolute value).
                    Parallel.forEachChunk(w) { cols in
                        // Branch-free selects, so the compiler can vectorise along the row.
                        let far = Int16(-reach), near = Int16(reach)
                        for x in cols { off[x] = lab[x] != 0 ? 0 : none }
                        for y in 1..<max(h, 1) {
                            let row = y * w, rowAbove = row &- w
                            for x in cols {
                                let above = off[rowAbove &+ x]   // <= 0 or none
                                let carried = above != none && above > far ? above &- 1 : none
                                off[row &+ x] = lab[row &+ x] != 0 ? 0 : carried
                            }
                        }
                        if h > 1 {
                            for y in stride(from: h - 2, through: 0, by: -1) {
                                let row = y * w, rowBelow = row &+ w
                                for x in cols {
                                    // A nucleus pixel below within reach wins over one farther (or none) above.
                                    let below = off[rowBelow &+ x], current = off[row &+ x]
                                    let closer = below >= 0 && below < near && UInt16(truncatingIfNeeded: below &+ 1) < current.magnitude
                                    off[row &+ x] = closer ? below &+ 1 : current
                                }
                            }
                        }
                    }
                    // Rows, eight pixels at a time: the nearest candidate over the columns within
                    // reach, tried in the order dx = 0, -1, +1, -2, +2, ... and kept only when strictly
                    // closer (the tie order above). Squared column distances sit in a padded row buffer
                    // (`big` where there is none), so the lanes need no bounds checks; groups with no
                    // finite column within reach are skipped, and a group stops once no lane can improve.
                    let big = Int32(1 << 30)
                    let limitSquared = Int32(min(limit, Double(big - 1)).rounded(.down))
                    Parallel.forEachChunk(h) { rows in
                        let padded = w + 2 * reach + 8
                        let g2 = UnsafeMutablePointer<Int32>.allocate(capacity: padded)
                        let finiteBefore = UnsafeMutablePointer<Int32>.allocate(capacity: padded + 1)
                        defer { g2.deallocate(); finiteBefore.deallocate() }
                        g2.initialize(repeating: big, count: padded)
                        finiteBefore.initialize(repeating: 0, count: padded + 1)
                        @inline(__always) func load(_ i: Int) -> SIMD8<Int32> { load8(g2 + i) }
                        for y in rows {
                            let row = y * w
                            // finiteBefore[i]: columns with a nucleus within reach among g2[0..<i].
                            var finite: Int32 = 0
                            for x in 0..<w {
                                let o = off[row &+ x]
                                let isFinite = o != none
                                g2[reach &+ x] = isFinite ? Int32(o) &* Int32(o) : big
                                finiteBefore[reach &+ x] = finite
                                finite &+= isFinite ? 1 : 0
                            }
                            for i in (reach + w)...padded { finiteBefore[i] = finite }
                            var x0 = 0
                            while x0 < w {
                                defer { x0 += 8 }
                                // Padded columns x0 ..< x0 + 8 + 2 reach are the group's candidates.
                                guard finiteBefore[min(x0 &+ 8 &+ 2 &* reach, padded)] != finiteBefore[x0] else { continue }
                                var best = load(reach + x0), step = SIMD8<Int32>(repeating: 0)
                                var dx = 1
                                // Selects without masks: with t = c - best (no overflow below 2^30),
                                // t >> 31 is all ones exactly in the lanes where c is closer.
                                @inline(__always) func consider(_ c: SIMD8<Int32>, _ offset: Int32) {
                                    let t = c &- best, closer = t &>> 31
                                    best &+= t & closer
                                    step ^= (step ^ SIMD8(repeating: offset)) & closer
                                }
                                // dx <= reach <= w + h: its square and the padded indices fit easily.
                                let centre = reach &+ x0
                                while dx <= reach {
                                    let d2 = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: dx &* dx))
                                    // Stop when no lane can improve: no lane with d2 - best < 0.
                                    guard anySignBit(d2 &- best) else { break }
                                    consider(load(centre &- dx) &+ d2, Int32(truncatingIfNeeded: 0 &- dx))
                                    consider(load(centre &+ dx) &+ d2, Int32(truncatingIfNeeded: dx))
                                    dx &+= 1
                                }
                                // A nucleus pixel of the image: its row and column are in range.
                                for j in 0..<min(8, w &- x0) where best[j] <= limitSquared {
                                    let bx = x0 &+ j &+ Int(step[j])
                                    out[row &+ x0 &+ j] = lab[(y &+ Int(off[row &+ bx])) &* w &+ bx]
                                }
                            }
                        }
                    }
                }
            } }
        }
        return cells
    }

    /// 1 for cell pixels closer than `thickness` pixels (at least the edge pixel itself) to the cell's
    /// edge, i.e. to a 4-neighbour of another label or background; the image border is not an edge.
    ///
    /// "Closer than" is Euclidean: a pixel belongs to the ring when an edge pixel lies at an offset
    /// (dx, dy) with dx² + dy² < (thickness - 0.5)². Rings are a few pixels wide, so instead of a
    /// distance transform each row keeps the horizontal distance to its nearest edge pixel (two
    /// scans, capped), and a pixel checks the 2R + 1 rows around it against the disk's half-widths.
    static func membrane(_ cells: [Int32], width w: Int, height h: Int, thickness: Double, pool: BufferPool? = nil) -> [UInt8] {
        let n = w * h
        var ring = pool?.bytes(n) ?? [UInt8](repeating: 0, count: n)
        guard n > 0 else { return ring }
        // Rings up to 126 pixels wide: row distances then stay below 128, as the word test below needs.
        let reach = min(max(0, thickness - 0.5), 126)
        let r = reach > 0.5 ? Int(reach.rounded(.up)) : 0
        // halfWidth[dy + r]: largest dx with dx² + dy² < reach² (-1: no pixel in that row of the disk).
        var halfWidth = [Int](repeating: -1, count: 2 * r + 1)
        for dy in -r...r {
            if r == 0 { halfWidth[0] = 0; break }
            var dx = -1
            while Double((dx + 1) * (dx + 1) + dy * dy) < reach * reach { dx += 1 }
            halfWidth[dy + r] = dx
        }
        let cap = UInt8(r + 1)
        var rowDistance = pool?.bytesToOverwrite(n) ?? [UInt8](repeating: 0, count: n)
        defer { pool?.recycle(&rowDistance) }
        cells.withUnsafeBufferPointer { c in
            rowDistance.withUnsafeMutableBufferPointer { rd in
                ring.withUnsafeMutableBufferPointer { rg in
                    guard let c = c.baseAddress, let rdb = rd.baseAddress, let rgb = rg.baseAddress else { return }
                    let cp = SharedReadPointer(c), d = SharedPointer(rdb), out = SharedPointer(rgb)
                    // Per row: distance (capped) to the nearest edge pixel of the same row.
                    Parallel.forEachChunk(h) { rows in
                        for y in rows {
                            let row = y * w
                            // Rows beyond the image compare with the pixel's own row: no edge there.
                            let up = y > 0 ? row - w : row, down = y + 1 < h ? row + w : row
                            let capped = Int(cap)
                            var last = -capped
                            // Indices of the image's pixels (below n): wrap-adds cannot overflow.
                            for x in 0..<w {
                                let i = row &+ x, k = cp[i]
                                let left = x > 0 ? cp[i &- 1] : k, right = x &+ 1 < w ? cp[i &+ 1] : k
                                let differs = (left ^ k) | (right ^ k) | (cp[up &+ x] ^ k) | (cp[down &+ x] ^ k)
                                last = (k != 0) && (differs != 0) ? x : last
                                d[i] = UInt8(truncatingIfNeeded: min(x &- last, capped))
                            }
                            last = w + capped
                            var x = w - 1
                            while x >= 0 {
                                let i = row &+ x
                                if d[i] == 0 { last = x }
                                d[i] = min(d[i], UInt8(truncatingIfNeeded: min(last &- x, capped)))
                                x -= 1
                            }
                        }
                    }
                    // Per pixel of a cell: any row within the disk with an edge pixel close enough,
                    // eight pixels per 64-bit word: with distances below 128, byte (0x80 + limit) - d
                    // keeps its top bit exactly when d <= limit (and never borrows from its neighbour).
                    let rowsInDisk = (-r...r).filter { halfWidth[$0 + r] >= 0 }
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let bias = rowsInDisk.map { (0x80 + UInt64(halfWidth[$0 + r])) &* ones }
                    rowsInDisk.withUnsafeBufferPointer { rb in
                        bias.withUnsafeBufferPointer { bb in
                            guard let rowsBase = rb.baseAddress, let biasBase = bb.baseAddress else { return }
                            let dys = SharedReadPointer(rowsBase), limits = SharedReadPointer(biasBase), count = rb.count
                            Parallel.forEachChunk(h) { rows in
                                for y in rows {
                                    let row = y * w
                                    var x = 0
                                    while x < w {
                                        let span = min(8, w - x)
                                        var hit: UInt64 = 0
                                        for j in 0..<count {
                                            let yy = y &+ dys[j]   // |dy| <= 126
                                            guard yy >= 0 && yy < h else { continue }
                                            let src = d.p + (yy &* w &+ x)   // a pixel of the image
                                            var word = 0x7F7F_7F7F_7F7F_7F7F as UInt64   // past the row's end: far
                                            if span == 8 {
                                                word = UnsafeRawPointer(src).loadUnaligned(as: UInt64.self)
                                            } else {
                                                for k in 0..<span {   // shifts below 64
                                                    word = word & ~(0xFF &<< (8 &* UInt64(k))) | UInt64(src[k]) &<< (8 &* UInt64(k))
                                                }
                                            }
                                            hit |= (limits[j] &- word) & (ones << 7)
                                        }
                                        if hit != 0 && span == 8 {
                                            // Byte k is 1 for a ring pixel: a hit on a cell pixel.
                                            var inCell: UInt64 = 0
                                            let at = row &+ x
                                            for k in 0..<8 { inCell |= UInt64(cp[at &+ k] != 0 ? 1 : 0) &<< (8 &* UInt64(k)) }
                                            UnsafeMutableRawPointer(out.p + at).storeBytes(of: (hit &>> 7) & inCell, as: UInt64.self)
                                        } else if hit != 0 {
                                            for k in 0..<span where hit & (0x80 &<< (8 &* UInt64(k))) != 0 && cp[row &+ x &+ k] != 0 {
                                                out[row &+ x &+ k] = 1
                                            }
                                        }
                                        x &+= 8
                                    }
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
