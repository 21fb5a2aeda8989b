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
    /// numbered in raster order of their first pixel. Returns the count.
    @discardableResult
    package static func label(_ mask: UnsafePointer<UInt8>, width w: Int, height h: Int, eightConnected: Bool,
                              labels: UnsafeMutablePointer<Int32>) -> Int {
        guard w > 0, h > 0 else { return 0 }
        var parent: [Int32] = [0]
        func find(_ a: Int32) -> Int32 {
            var a = a
            while parent[Int(a)] != a { parent[Int(a)] = parent[Int(parent[Int(a)])]; a = parent[Int(a)] }
            return a
        }
        func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            if ra < rb { parent[Int(rb)] = ra; return ra }
            parent[Int(ra)] = rb; return rb
        }
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                guard mask[i] != 0 else { labels[i] = 0; continue }
                var l: Int32 = 0
                func take(_ j: Int) {
                    let m = labels[j]
                    if m == 0 { return }
                    l = l == 0 ? find(m) : union(l, m)
                }
                if x > 0 { take(i - 1) }
                if y > 0 {
                    take(i - w)
                    if eightConnected {
                        if x > 0 { take(i - w - 1) }
                        if x < w - 1 { take(i - w + 1) }
                    }
                }
                if l == 0 {
                    l = Int32(parent.count)
                    parent.append(l)
                }
                labels[i] = l
            }
        }
        // Resolve to consecutive labels in raster order of the component's first pixel.
        var final = [Int32](repeating: 0, count: parent.count)
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
