import StainShiftFoundation
import StainShiftImaging

/// Binary-image helpers on one-byte masks (non-zero = set): hole filling, connected components,
/// disk dilation/erosion by distance, and 3 x 3 minimum/maximum filters.
package enum BinaryMorphology {
    /// Sets every unset pixel that is not connected to the image border through unset pixels
    /// (4-connected by default; `eightConnectedBackground` for masks whose set pixels are then
    /// labelled with 4-connectivity, such as nuclei split by one-pixel watershed lines: a diagonal
    /// stretch of line is background that reaches the border only through corners).
    /// Span filling (Heckbert 1990, "A seed fill algorithm", Graphics Gems): each stacked seed fills
    /// its whole run of unset pixels in a row and seeds the runs it touches above and below
    /// (diagonally too, with eight-connectivity).
    package static func fillHoles(_ mask: UnsafeMutablePointer<UInt8>, width w: Int, height h: Int,
                                  eightConnectedBackground: Bool = false) {
        guard w > 0, h > 0 else { return }
        let n = w * h
        var stack: [Int32] = []
        stack.reserveCapacity(4 * (w + h))
        // 2 marks background reached from the border.
        for x in 0..<w { stack.append(Int32(truncatingIfNeeded: x)); stack.append(Int32(truncatingIfNeeded: (h - 1) * w + x)) }
        for y in 0..<h { stack.append(Int32(truncatingIfNeeded: y * w)); stack.append(Int32(truncatingIfNeeded: y * w + w - 1)) }
        while let t = stack.popLast() {
            let i = Int(t)
            guard mask[i] == 0 else { continue }
            let y = i / w, row = y * w, line = mask + row
            let left = lastSet(line, before: i - row, from: 0) + 1, right = firstSet(line, from: i - row + 1, to: w) - 1
            (line + left).update(repeating: 2, count: right - left + 1)
            // One seed per run of unset pixels in the rows above and below (touching the run's
            // corners too when the background is eight-connected).
            let lo = eightConnectedBackground ? max(left - 1, 0) : left
            let hi = eightConnectedBackground ? min(right + 1, w - 1) : right
            for other in stride(from: row - w, through: row + w, by: 2 * w) where other >= 0 && other < n {
                let o = mask + other
                var x = firstClear(o, from: lo, to: hi + 1)
                while x <= hi {
                    stack.append(Int32(truncatingIfNeeded: other + x))
                    x = firstClear(o, from: firstSet(o, from: x, to: hi + 1), to: hi + 1)
                }
            }
        }
        // 2 (reached from the border) -> 0, 0 and 1 -> 1, eight pixels per word.
        var i = 0
        while i + 8 <= n { put(~(word(mask + i) >> 1) & ones, mask + i); i += 8 }
        while i < n { mask[i] = mask[i] == 2 ? 0 : 1; i += 1 }
    }

    // Run scans eight pixels per 64-bit word (byte k of a word is pixel k: little-endian).
    private static let ones: UInt64 = 0x0101_0101_0101_0101

    /// The first x in `from..<to` with `p[x] != 0`, or `to`.
    @inline(__always)
    private static func firstSet(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var x = from
        while x + 8 <= end {
            let v = word(p + x)
            if v != 0 { return x + v.trailingZeroBitCount / 8 }
            x += 8
        }
        while x < end && p[x] == 0 { x += 1 }
        return x
    }

    /// The first x in `from..<to` with `p[x] == 0`, or `to`. (A zero byte is the lowest byte whose
    /// bit 7 survives `(v - 0x01...01) & ~v & 0x80...80`; the mask's bytes are all below 0x80.)
    @inline(__always)
    private static func firstClear(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var x = from
        while x + 8 <= end {
            let v = word(p + x)
            let zero = (v &- ones) & ~v & (ones << 7)
            if zero != 0 { return x + zero.trailingZeroBitCount / 8 }
            x += 8
        }
        while x < end && p[x] != 0 { x += 1 }
        return x
    }

    /// The last x in `from..<before` with `p[x] != 0`, or `from - 1`.
    @inline(__always)
    private static func lastSet(_ p: UnsafePointer<UInt8>, before end: Int, from start: Int) -> Int {
        var x = end
        while x - 8 >= start {
            let v = word(p + x - 8)
            if v != 0 { return x - 1 - v.leadingZeroBitCount / 8 }
            x -= 8
        }
        while x > start && p[x - 1] == 0 { x -= 1 }
        return x - 1
    }

    /// Labels connected components of set pixels (4- or 8-connected) into `labels` (1...count, 0 unset),
    /// numbered in raster order of their first pixel. Returns the count. Two passes with union-find
    /// on provisional labels (Rosenfeld & Pfaltz 1966). `spare`, an idle buffer of the caller's,
    /// holds the union-find table when it is large enough (2 bytes per pixel do); else it is allocated.
    @discardableResult
    package static func label(_ mask: UnsafePointer<UInt8>, width w: Int, height h: Int, eightConnected: Bool,
                              labels: UnsafeMutablePointer<Int32>, spare: UnsafeMutableRawBufferPointer? = nil) -> Int {
        guard w > 0, h > 0 else { return 0 }
        // Provisional labels get at most one per run of set pixels: (w + 1) / 2 per row.
        let capacity = min(w * h, ((w + 1) / 2) * h) + 2
        let borrowed = spare.flatMap { $0.count >= capacity * MemoryLayout<Int32>.stride ? $0.baseAddress : nil }
        let p = borrowed?.bindMemory(to: Int32.self, capacity: capacity) ?? .allocate(capacity: capacity)
        defer { if borrowed == nil { p.deallocate() } }
        var used: Int32 = 1
        @inline(__always) func find(_ a: Int32) -> Int32 {
            var a = a
            while p[Int(a)] != a { p[Int(a)] = p[Int(p[Int(a)])]; a = p[Int(a)] }
            return a
        }
        @inline(__always) func join(_ a: Int32, _ b: Int32) -> Int32 {
            if a == 0 { return b }
            if b == 0 || a == b { return a }
            let ra = find(a), rb = find(b)
            if ra < rb { p[Int(rb)] = ra; return ra }
            if rb < ra { p[Int(ra)] = rb }
            return rb
        }
        for y in 0..<h {
            let row = y * w
            for x in 0..<w {
                let i = row + x
                guard mask[i] != 0 else { labels[i] = 0; continue }
                var l: Int32 = x > 0 ? labels[i - 1] : 0
                if y > 0 {
                    l = join(l, labels[i - w])
                    if eightConnected {
                        if x > 0 { l = join(l, labels[i - w - 1]) }
                        if x < w - 1 { l = join(l, labels[i - w + 1]) }
                    }
                }
                if l == 0 { l = used; p[Int(used)] = used; used += 1 }
                labels[i] = l
            }
        }
        // Resolve to consecutive labels in raster order of the component's first pixel.
        let final = UnsafeMutablePointer<Int32>.allocate(capacity: Int(used))
        defer { final.deallocate() }
        final.initialize(repeating: 0, count: Int(used))
        var next: Int32 = 0
        for i in 0..<(w * h) where labels[i] != 0 {
            let r = Int(find(labels[i]))
            if final[r] == 0 { next += 1; final[r] = next }
            labels[i] = final[r]
        }
        return Int(next)
    }

    /// 3 x 3 maximum (`dilate`) or minimum filter of a 0/1 mask, edges replicated; separable
    /// (a row pass, then a column pass), rows on all cores. With `within`, the result is then
    /// cleared wherever `within` is 0 (a conditional dilation).
    package static func filter3x3(_ mask: UnsafeMutablePointer<UInt8>, width w: Int, height h: Int, dilate: Bool,
                                  within: UnsafePointer<UInt8>? = nil, pool: BufferPool? = nil,
                                  spare: UnsafeMutableRawPointer? = nil) {
        guard w > 0, h > 0 else { return }
        if let spare {
            // The caller's idle buffer (at least a byte per pixel) holds the row pass.
            filter3x3(mask, width: w, height: h, dilate: dilate, within: within,
                      rows: spare.bindMemory(to: UInt8.self, capacity: w * h))
            return
        }
        var temp = pool?.bytesToOverwrite(w * h) ?? [UInt8](repeating: 0, count: w * h)
        defer { pool?.recycle(&temp) }
        temp.withUnsafeMutableBufferPointer { tb in
            guard let rowsBuffer = tb.baseAddress else { return }
            filter3x3(mask, width: w, height: h, dilate: dilate, within: within, rows: rowsBuffer)
        }
    }

    /// The filter with a row-pass buffer of `width * height` bytes.
    private static func filter3x3(_ mask: UnsafeMutablePointer<UInt8>, width w: Int, height h: Int, dilate: Bool,
                                  within: UnsafePointer<UInt8>?, rows rowsBuffer: UnsafeMutablePointer<UInt8>) {
        // Eight pixels per 64-bit word (the mask holds 0 and 1, so OR and AND act per byte); the
        // ragged ends of each row go pixel by pixel.
        let m = SharedPointer(mask), r = SharedPointer(rowsBuffer)
        Parallel.forEachChunk(h) { rows in
            for y in rows {
                let src = m.p + y * w, out = r.p + y * w
                @inline(__always) func pixel(_ x: Int) {
                    let a = src[max(x - 1, 0)], b = src[x], c = src[min(x + 1, w - 1)]
                    out[x] = dilate ? (a | b | c) : (a & b & c)
                }
                pixel(0)
                var x = 1
                while x + 9 <= w {
                    let a = word(src + x - 1), b = word(src + x), c = word(src + x + 1)
                    put(dilate ? (a | b | c) : (a & b & c), out + x)
                    x += 8
                }
                while x < w { pixel(x); x += 1 }
            }
        }
        let masked = within != nil
        let l = SharedPointer(UnsafeMutablePointer(mutating: within ?? UnsafePointer(rowsBuffer)))
        Parallel.forEachChunk(h) { rows in
            for y in rows {
                let up = r.p + max(y - 1, 0) * w, mid = r.p + y * w, down = r.p + min(y + 1, h - 1) * w
                let out = m.p + y * w, lim = l.p + y * w
                var x = 0
                while x + 8 <= w {
                    let a = word(up + x), b = word(mid + x), c = word(down + x)
                    var v = dilate ? (a | b | c) : (a & b & c)
                    if masked { v &= word(lim + x) }
                    put(v, out + x)
                    x += 8
                }
                while x < w {
                    var v = dilate ? (up[x] | mid[x] | down[x]) : (up[x] & mid[x] & down[x])
                    if masked { v &= lim[x] }
                    out[x] = v
                    x += 1
                }
            }
        }
    }

    @inline(__always)
    private static func word(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }

    @inline(__always)
    private static func put(_ v: UInt64, _ p: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: UInt64.self)
    }
}
