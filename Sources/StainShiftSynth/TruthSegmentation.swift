import StainShiftCells
import StainShiftStains

extension TileTruth {
    /// The truth label maps measured on `planes`, as a `CellSegmentation`: scoring can be tested on
    /// perfect cells, apart from detection. Compartments: nucleus; membrane ring; cytoplasm = cell
    /// minus nucleus minus membrane; whole cell = nucleus + cytoplasm + membrane.
    public func segmentation(measuring planes: StainPlanes) -> CellSegmentation {
        let n = width * height
        precondition(planes.width == width && planes.height == height, "planes must match the truth tile")
        var acc = [[Double]](repeating: [Double](repeating: 0, count: 4 * 3), count: cells.count)
        var maxH = [[Float]](repeating: [Float](repeating: 0, count: 4), count: cells.count)
        var maxD = maxH
        var count = [[Int]](repeating: [0, 0, 0, 0], count: cells.count)
        var cellArea = [Int](repeating: 0, count: cells.count)
        var edges = [Int](repeating: 0, count: cells.count)
        let hOff = planes.planeOffset(.hematoxylin) ?? 0, dOff = planes.planeOffset(.dab) ?? 0
        for i in 0..<n {
            let l = Int(cellLabels[i])
            guard l > 0, l <= cells.count else { continue }
            let k = l - 1
            let hv = planes.values[hOff + i], dv = planes.values[dOff + i]
            let part = nucleusLabels[i] == cellLabels[i] ? 0 : membraneMask[i] != 0 ? 2 : 1
            cellArea[k] += 1
            for c in [part, 3] {
                count[k][c] += 1
                acc[k][3 * c] += Double(hv); acc[k][3 * c + 1] += Double(dv)
                maxH[k][c] = max(maxH[k][c], hv); maxD[k][c] = max(maxD[k][c], dv)
            }
            if part == 0 {
                let x = i % width, y = i / width
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let xx = x + dx, yy = y + dy
                    if xx < 0 || yy < 0 || xx >= width || yy >= height || nucleusLabels[yy * width + xx] != cellLabels[i] { edges[k] += 1 }
                }
            }
        }
        var out: [Cell] = []
        out.reserveCapacity(cells.count)
        for (k, t) in cells.enumerated() {
            let a = Double(t.nucleusAreaPixels)
            // 4-connected edge count overestimates a digital perimeter by about 4/π.
            let perimeter = Double(edges[k]) * Double.pi / 4
            var c = Cell(label: t.label, centroidX: t.centroidX, centroidY: t.centroidY,
                         nucleusAreaPixels: t.nucleusAreaPixels, cellAreaPixels: cellArea[k],
                         nucleusCircularity: perimeter > 0 ? min(1, 4 * Double.pi * a / (perimeter * perimeter)) : 0,
                         cellClass: t.cellClass)
            func stats(_ part: Int) -> CompartmentStats {
                var s = CompartmentStats()
                s.pixelCount = count[k][part]
                if s.pixelCount > 0 {
                    s.hematoxylinMean = Float(acc[k][3 * part] / Double(s.pixelCount))
                    s.dabMean = Float(acc[k][3 * part + 1] / Double(s.pixelCount))
                    s.hematoxylinMax = maxH[k][part]; s.dabMax = maxD[k][part]
                }
                return s
            }
            c.nucleus = stats(0); c.cytoplasm = stats(1); c.membrane = stats(2); c.wholeCell = stats(3)
            out.append(c)
        }
        return CellSegmentation(width: width, height: height, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                membraneMask: membraneMask, cells: out)
    }
}
