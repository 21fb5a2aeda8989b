/// Per-label pixel count, detection OD sum and bounding box, from one pass.
struct RegionStats {
    var area: [Int], sum: [Double]
    var minX: [Int], maxX: [Int], minY: [Int], maxY: [Int]

    init(_ labels: [Int32], raw c: RawChannel, count: Int, width w: Int, height h: Int) {
        var area = [Int](repeating: 0, count: count + 1), sum = [Double](repeating: 0, count: count + 1)
        // Per label: minX, -maxX, minY, -maxY (all kept as minima).
        var box = [Int](repeating: Int.max, count: 4 * (count + 1))
        labels.withUnsafeBufferPointer { lb in
            area.withUnsafeMutableBufferPointer { ab in
                sum.withUnsafeMutableBufferPointer { sb in
                    box.withUnsafeMutableBufferPointer { bb in
                        guard let l = lb.baseAddress, let a = ab.baseAddress, let s = sb.baseAddress,
                              let b = bb.baseAddress else { return }
                        for y in 0..<h {
                            // Run by run along the row (a chain of dependent updates per pixel would be
                            // slower); background (label 0) is skipped.
                            let row = y * w
                            var x = 0
                            while x < w {
                                let label = l[row + x]
                                var end = x + 1
                                while end < w && l[row + end] == label { end += 1 }
                                defer { x = end }
                                guard label > 0 else { continue }
                                let k = Int(label)
                                var run = 0.0
                                for j in (row + x)..<(row + end) { run += Double(c[j]) }
                                a[k] += end - x; s[k] += run
                                let o = 4 * k
                                b[o] = min(b[o], x); b[o + 1] = min(b[o + 1], 1 - end)
                                b[o + 2] = min(b[o + 2], y); b[o + 3] = min(b[o + 3], -y)
                            }
                        }
                    }
                }
            }
        }
        self.area = area; self.sum = sum
        // Labels without pixels keep the old empty box: min Int.max, max -1.
        minX = (0...count).map { box[4 * $0] }
        maxX = (0...count).map { box[4 * $0 + 1] == Int.max ? -1 : -box[4 * $0 + 1] }
        minY = (0...count).map { box[4 * $0 + 2] }
        maxY = (0...count).map { box[4 * $0 + 3] == Int.max ? -1 : -box[4 * $0 + 3] }
    }
}
