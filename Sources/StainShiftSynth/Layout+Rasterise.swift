import Foundation

extension Layout {
    /// Nucleus and cell label maps, then the membrane ring.
    mutating func rasterise() {
        guard w > 0, h > 0 else { return }
        let n = w * h
        var nucleusQ = [Float](repeating: .infinity, count: n)
        var cellD = [Float](repeating: .infinity, count: n)
        let rim = spec.cytoplasmMicrons * um
        for (k, nu) in nuclei.enumerated() {
            let label = Int32(k + 1)
            let reach = nu.maxRadius + rim + 1
            let x0 = max(0, Int(nu.x - reach)), x1 = min(w - 1, Int(nu.x + reach))
            let y0 = max(0, Int(nu.y - reach)), y1 = min(h - 1, Int(nu.y + reach))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let dx = Double(x) + 0.5 - nu.x, dy = Double(y) + 0.5 - nu.y
                    let d = (dx * dx + dy * dy).squareRoot()
                    let r = nu.radius(atan2(dy, dx))
                    let i = y * w + x
                    let q = Float(d / r)
                    if q <= 1, q < nucleusQ[i] { nucleusQ[i] = q; nucleusLabels[i] = label }
                    let outside = Float(d - r)
                    if outside <= Float(rim), outside < cellD[i] { cellD[i] = outside; cellLabels[i] = label }
                }
            }
        }
        for i in 0..<n where nucleusLabels[i] != 0 { cellLabels[i] = nucleusLabels[i] }
        for i in 0..<n where cellLabels[i] != 0 { tissue[i] = 1 }
        // Membrane: cell pixels outside the nucleus within `membraneMicrons` of another label.
        let m = max(1, Int((spec.membraneMicrons * um).rounded()))
        var offsets: [(Int, Int)] = []
        for dy in -m...m { for dx in -m...m where dx * dx + dy * dy <= m * m && (dx != 0 || dy != 0) { offsets.append((dx, dy)) } }
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let l = cellLabels[i]
                guard l != 0, nucleusLabels[i] == 0 else { continue }
                for (dx, dy) in offsets {
                    let xx = x + dx, yy = y + dy
                    if xx < 0 || yy < 0 || xx >= w || yy >= h { continue }
                    if cellLabels[yy * w + xx] != l { membrane[i] = 1; break }
                }
            }
        }
    }
}
