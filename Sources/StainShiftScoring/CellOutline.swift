import StainShiftCells

/// The traced outlines of one cell (`LabelContour`): the cell (nucleus + expansion) and its
/// nucleus, each one exterior ring per piece, in image pixel coordinates. What `--cells-geojson`
/// writes as a QuPath cell's `geometry` and `nucleusGeometry`.
public struct CellOutline: Sendable, Equatable {
    public var cell: [[OutlinePoint]]
    public var nucleus: [[OutlinePoint]]

    public init(cell: [[OutlinePoint]], nucleus: [[OutlinePoint]]) { self.cell = cell; self.nucleus = nucleus }

    /// The same outline moved by (`dx`, `dy`) pixels: a tile's outline in the whole image.
    public func offset(dx: Int, dy: Int) -> CellOutline {
        func move(_ rings: [[OutlinePoint]]) -> [[OutlinePoint]] {
            rings.map { $0.map { OutlinePoint(x: $0.x + dx, y: $0.y + dy) } }
        }
        return CellOutline(cell: move(cell), nucleus: move(nucleus))
    }

    /// Outlines of `cells` (labels of `segmentation`'s maps), same order. One pass over the maps
    /// finds each label's bounding box, then each label is traced inside its box only. A cell
    /// whose label map is missing (recycled, or of another size) gets empty outlines.
    public static func outlines(_ segmentation: CellSegmentation, cells: [Cell]) -> [CellOutline] {
        let w = segmentation.width, h = segmentation.height
        let n = w * h
        guard segmentation.cellLabels.count == n, segmentation.nucleusLabels.count == n else {
            return cells.map { _ in CellOutline(cell: [], nucleus: []) }
        }
        let maxLabel = Int(cells.map(\.label).max() ?? 0)
        let cellBoxes = boxes(segmentation.cellLabels, width: w, maxLabel: maxLabel)
        let nucleusBoxes = boxes(segmentation.nucleusLabels, width: w, maxLabel: maxLabel)
        return cells.map { c in
            let k = Int(c.label)
            guard k > 0, k <= maxLabel else { return CellOutline(cell: [], nucleus: []) }
            var cell = LabelContour.rings(segmentation.cellLabels, width: w, height: h, label: c.label, box: cellBoxes[k])
            let nucleus = LabelContour.rings(segmentation.nucleusLabels, width: w, height: h, label: c.label,
                                             box: nucleusBoxes[k])
            // A cell map without the label (no expansion drawn) falls back to the nucleus.
            if cell.isEmpty { cell = nucleus }
            return CellOutline(cell: cell, nucleus: nucleus)
        }
    }

    /// Per label 0...maxLabel: (x0, y0, x1, y1) of its pixels; an empty box (x0 > x1) when absent.
    static func boxes(_ labels: [Int32], width: Int, maxLabel: Int) -> [(x0: Int, y0: Int, x1: Int, y1: Int)] {
        var b = [(x0: Int, y0: Int, x1: Int, y1: Int)](repeating: (Int.max, Int.max, -1, -1), count: maxLabel + 1)
        guard width > 0 else { return b }
        for (i, l) in labels.enumerated() where l > 0 && Int(l) <= maxLabel {
            let x = i % width, y = i / width, k = Int(l)
            if x < b[k].x0 { b[k].x0 = x }
            if x > b[k].x1 { b[k].x1 = x }
            if y < b[k].y0 { b[k].y0 = y }
            if y > b[k].y1 { b[k].y1 = y }
        }
        return b
    }
}
