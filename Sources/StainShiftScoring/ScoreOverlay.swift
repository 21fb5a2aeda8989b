import StainShiftCells
import StainShiftImaging

/// `--overlay`: the tile lightened, nucleus outlines coloured by bin (blue negative, yellow 1+,
/// orange 2+, red 3+; QuPath's positive-cell colours), immune cells outlined green, stroma violet,
/// other cells grey (their classes' roles: `colour(_:)`), and for
/// membrane markers the cell border drawn in a paler tint of its bin colour. Glass outside tissue is dimmed grey.
public enum ScoreOverlay {
    static func colour(_ bin: IntensityBin) -> (UInt8, UInt8, UInt8) {
        switch bin {
        case .negative: (40, 80, 255)
        case .weak: (255, 220, 0)
        case .moderate: (255, 140, 0)
        case .strong: (230, 0, 0)
        }
    }
    static let lymphocyte: (UInt8, UInt8, UInt8) = (0, 200, 60)
    /// Nucleus outline colours of the classes that are not tumour: immune cells green (QuPath's
    /// `Immune cells` colour family), stroma violet, other grey.
    static func colour(_ role: CellClass) -> (UInt8, UInt8, UInt8)? {
        switch role {
        case .tumour: nil
        case .lymphocyte: lymphocyte
        case .stroma: (150, 60, 200)
        case .other: (120, 120, 120)
        }
    }

    public static func render(_ image: RGBImage, analysis: TileAnalysis) -> RGBImage {
        let w = image.width, h = image.height, n = w * h
        var out = [UInt8](repeating: 255, count: 3 * n)
        // Lighten: v' = 255 - 0.55 (255 - v); 16-bit samples are reduced to 8 bits first.
        switch image.samples {
        case .uint8(let s): for i in 0..<(3 * n) { out[i] = UInt8(255 - (Int(255 - s[i]) * 55) / 100) }
        case .uint16(let s): for i in 0..<(3 * n) { out[i] = UInt8(255 - (Int(255 - Int(s[i] >> 8)) * 55) / 100) }
        }
        let seg = analysis.segmentation
        guard seg.width == w, seg.height == h, seg.nucleusLabels.count == n, seg.cellLabels.count == n else {
            return RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: image.pixelSizeMicrons)
        }
        // Colour per label (labels are 1-based and may be sparse).
        var maxLabel = 0
        for c in seg.cells { maxLabel = max(maxLabel, Int(c.label)) }
        var nucleusColour = [(UInt8, UInt8, UInt8)?](repeating: nil, count: maxLabel + 1)
        var cellColour = nucleusColour
        for (cell, call) in zip(seg.cells, analysis.calls) where cell.label > 0 {
            let l = Int(cell.label)
            let binColour = colour(call.bin)
            nucleusColour[l] = colour(call.cellClass) ?? binColour
            // Cell borders (the membrane) in a paler tint of the bin colour, so nuclei stand out.
            if analysis.marker.readsMembrane {
                cellColour[l] = (UInt8((Int(binColour.0) + 255) / 2), UInt8((Int(binColour.1) + 255) / 2), UInt8((Int(binColour.2) + 255) / 2))
            }
        }
        func put(_ i: Int, _ c: (UInt8, UInt8, UInt8)) { out[3 * i] = c.0; out[3 * i + 1] = c.1; out[3 * i + 2] = c.2 }
        func isEdge(_ labels: [Int32], _ x: Int, _ y: Int, _ l: Int32) -> Bool {
            (x == 0 || labels[y * w + x - 1] != l) || (x == w - 1 || labels[y * w + x + 1] != l)
                || (y == 0 || labels[(y - 1) * w + x] != l) || (y == h - 1 || labels[(y + 1) * w + x] != l)
        }
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let c = seg.cellLabels[i]
                if c > 0, Int(c) <= maxLabel, let col = cellColour[Int(c)], isEdge(seg.cellLabels, x, y, c) { put(i, col) }
                let l = seg.nucleusLabels[i]
                if l > 0, Int(l) <= maxLabel, let col = nucleusColour[Int(l)], isEdge(seg.nucleusLabels, x, y, l) { put(i, col) }
            }
        }
        if analysis.tissue.width == w, analysis.tissue.height == h {
            for i in 0..<n where analysis.tissue.mask[i] == 0 {
                out[3 * i] = UInt8((Int(out[3 * i]) * 9) / 10)
                out[3 * i + 1] = UInt8((Int(out[3 * i + 1]) * 9) / 10)
                out[3 * i + 2] = UInt8((Int(out[3 * i + 2]) * 9) / 10)
            }
        }
        return RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: image.pixelSizeMicrons)
    }
}
