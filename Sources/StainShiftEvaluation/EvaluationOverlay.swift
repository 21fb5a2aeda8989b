import Foundation
import StainShiftImaging

/// `evaluate --overlay`: the image with a circle of the match radius around each expert point that
/// a cell matched (green), each point that none did (red) and, on completely labelled images,
/// each cell that no point matched (yellow: a false detection).
public enum EvaluationOverlay {
    static let hit: (UInt8, UInt8, UInt8) = (0, 200, 0)
    static let miss: (UInt8, UInt8, UInt8) = (230, 0, 0)
    static let extra: (UInt8, UInt8, UInt8) = (255, 210, 0)

    /// `<source>__<image stem>.png`, with characters unsafe in file names replaced by `_`.
    public static func fileName(for item: EvaluationItem) -> String {
        let stem = URL(fileURLWithPath: item.imagePath).deletingPathExtension().lastPathComponent
        let safe = "\(item.source)__\(stem)".map { $0.isLetter || $0.isNumber || "-_.=".contains($0) ? $0 : "_" }
        return String(safe) + ".png"
    }

    public static func render(_ image: RGBImage, evaluation e: ImageEvaluation) -> RGBImage {
        let w = image.width, h = image.height
        var out: [UInt8]
        switch image.samples {
        case .uint8(let s): out = s
        case .uint16(let s): out = s.map { UInt8($0 >> 8) }
        }
        let r = max(2.0, e.radiusPixels)
        // A ring 1.5 px wide at the match radius, stepped finely enough to leave no gaps.
        func ring(_ cx: Double, _ cy: Double, _ c: (UInt8, UInt8, UInt8)) {
            let steps = max(24, Int(2 * Double.pi * r * 2))
            for k in 0..<steps {
                let a = 2 * Double.pi * Double(k) / Double(steps)
                for dr in [-0.75, 0, 0.75] {
                    let x = Int((cx + (r + dr) * cos(a)).rounded()), y = Int((cy + (r + dr) * sin(a)).rounded())
                    guard x >= 0, y >= 0, x < w, y < h else { continue }
                    let i = 3 * (y * w + x)
                    out[i] = c.0; out[i + 1] = c.1; out[i + 2] = c.2
                }
            }
        }
        var matchedCells = Set<Int>()
        for (p, m) in zip(e.points, e.matches) {
            if let m { matchedCells.insert(m) }
            ring(p.x, p.y, m == nil ? miss : hit)
        }
        if e.item.complete {
            for (j, c) in e.cells.enumerated() where !matchedCells.contains(j) { ring(c.x, c.y, extra) }
        }
        return RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: image.pixelSizeMicrons)
    }
}
