/// Binary-image helpers on one-byte masks (non-zero = set): hole filling, connected components,
/// disk dilation/erosion by distance, and 3 x 3 minimum/maximum filters.
package enum BinaryMorphology {
    /// Sets every unset pixel that is not 4-connected to the image border through unset pixels.
    package static func fillHoles(_ mask: UnsafeMutablePointer<UInt8>, width w: Int, height h: Int) {
        guard w > 0, h > 0 else { return }
        let n = w * h
        var stack: [Int32] = []
        stack.reserveCapacity(4 * (w + h))
        // 2 marks background reached from the border.
        func push(_ i: Int) { if mask[i] == 0 { mask[i] = 2; stack.append(Int32(truncatingIfNeeded: i)) } }
        for x in 0..<w { push(x); push((h - 1) * w + x) }
        for y in 0..<h { push(y * w); push(y * w + w - 1) }
        while let t = stack.popLast() {
            let i = Int(t), x = i % w
            if x > 0 { push(i - 1) }
            if x < w - 1 { push(i + 1) }
            if i >= w { push(i - w) }
            if i + w < n { push(i + w) }
        }
        for i in 0..<n { mask[i] = mask[i] == 2 ? 0 : 1 }
    }

    /// Labels connected components of set pixels (4- or 8-connected) into `labels` (1...count, 0 unset),
    /// numbered in raster order of their first pixel. Returns the count. Two passes with union-find
    /// on provisional labels (Rosenfeld & Pfaltz 1966).
    @discardableResult
    package static func label(_ mask: UnsafePointer<UInt8>, width w: Int, height h: Int, eightConnected: Bool,
                              labels: UnsafeMutablePointer<Int32>) -> Int {
        guard w > 0, h > 0 else { return 0 }
        // Provisional labels get at most one per run of set pixels: (w + 1) / 2 per row.
        let capacity = min(w * h, ((w + 1) / 2) * h) + 2
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        defer { p.deallocate() }
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
    /// (a row pass, then a column pass).
    package static func filter3x3(_ mask: UnsafeMutablePointer<UInt8>, width w: Int, height h: Int, dilate: Bool) {
        guard w > 0, h > 0 else { return }
        let rows = UnsafeMutablePointer<UInt8>.allocate(capacity: w * h)
        defer { rows.deallocate() }
        for y in 0..<h {
            let r = y * w
            for x in 0..<w {
                let a = mask[r + max(x - 1, 0)] != 0, b = mask[r + x] != 0, c = mask[r + min(x + 1, w - 1)] != 0
                rows[r + x] = (dilate ? (a || b || c) : (a && b && c)) ? 1 : 0
            }
        }
        for y in 0..<h {
            let up = max(y - 1, 0) * w, row = y * w, down = min(y + 1, h - 1) * w
            if dilate {
                for x in 0..<w { mask[row + x] = rows[up + x] | rows[row + x] | rows[down + x] }
            } else {
                for x in 0..<w { mask[row + x] = rows[up + x] & rows[row + x] & rows[down + x] }
            }
        }
    }
}
