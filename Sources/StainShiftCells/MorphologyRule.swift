import StainShiftStains

/// The morphology rule as a `CellClassifying`: a small, round nucleus with dense hematoxylin is a
/// lymphocyte (role `.lymphocyte`, class "Immune cells"), every other cell a tumour cell ("Tumor").
/// It cannot tell stroma: fibroblasts count as tumour cells (a trained classifier can).
///
/// Every test is on the cell itself, against fixed physical levels (nucleus area in µm²,
/// circularity, hematoxylin OD), so a cell's class never depends on the rest of its tile.
public struct MorphologyRule: CellClassifying, Equatable {
    public var maxNucleusAreaMicrons2: Double
    public var minCircularity: Double
    public var minHematoxylinOD: Double
    /// A lymphocyte's nucleus need only be darker than the larger nuclei around it
    /// (`neighbourCuts`), so a pale counterstain still shows its lymphocytes. Not the default: on
    /// the dev set (`train-cells --holdout`, `relative_rule`; `make validate`) it finds no more
    /// NuClick lymphocytes than the fixed cut (none: those 2x-upsampled nuclei measure above
    /// 40 µm²), keeps BCData's tumour cells (0.999, as the fixed cut) and calls more EndoNuke
    /// epithelium lymphocytes (epithelium kept as tumour 0.90 against 0.95).
    public var relativeToNeighbours: Bool = false
    /// How much darker than the neighbours' median (`relativeToNeighbours`): 1.15, the old
    /// tile-wide rule's factor.
    public var neighbourRatio: Double = 1.15
    /// Neighbours within this many µm (`relativeToNeighbours`): the trained features' reach.
    public var neighbourRadiusMicrons: Double = 50

    /// Nucleus hematoxylin mean OD of a lymphocyte: at least 0.55. Before, the rule asked for 1.15x
    /// the median hematoxylin of the tile's larger (> 40 µm²) nuclei. Measured with the default
    /// detection and `--od-scale 1`, that median was 0.465-0.478 OD on the synthetic tiles (seeds
    /// 21-23, every built-in marker; tumour nuclei painted 0.36-0.60, lymphocytes 0.78-0.98), so the old
    /// cut was 0.535-0.550; on samples/cohort's tiles 0.42-0.48 (cut 0.49-0.55); on 80 real images
    /// (skimage-ihc, OS-2, devset) 0.05-1.55, median 0.42 (cut median 0.48). 0.55 is the old cut on
    /// the synthetic tiles, where the lymphocytes' small round nuclei measure a median 0.73-0.79, so
    /// the synthetic truth is kept. On pale real scans (skimage-ihc: larger nuclei at 0.14 OD; OS-2
    /// vsi: 0.16) it finds no lymphocytes where the relative cut found a few: a trained classifier
    /// (`--cell-classifier`) is the way to class real tissue.
    public static let defaultMinHematoxylinOD = 0.55

    public static let tumourName = "Tumor"
    public static let immuneName = "Immune cells"

    public init(maxNucleusAreaMicrons2: Double = 40, minCircularity: Double = 0.8,
                minHematoxylinOD: Double = MorphologyRule.defaultMinHematoxylinOD) {
        self.maxNucleusAreaMicrons2 = maxNucleusAreaMicrons2
        self.minCircularity = minCircularity
        self.minHematoxylinOD = minHematoxylinOD
    }

    /// The rule of a detection's parameters (`CellParameters.lymphocyte*`).
    public init(parameters p: CellParameters) {
        self.init(maxNucleusAreaMicrons2: p.lymphocyteMaxAreaMicrons2, minCircularity: p.lymphocyteMinCircularity,
                  minHematoxylinOD: p.lymphocyteMinHematoxylinOD)
    }

    public var classNames: [String] { [Self.tumourName, Self.immuneName] }
    public var roles: [CellClass] { [.tumour, .lymphocyte] }

    /// `.lymphocyte` or `.tumour` for one cell; `pixelArea` in µm² per pixel.
    public func role(of c: Cell, pixelArea: Double) -> CellClass {
        let area = Double(c.nucleusAreaPixels) * pixelArea
        return area <= maxNucleusAreaMicrons2 && c.nucleusCircularity >= minCircularity
            && Double(c.nucleus.hematoxylinMean) >= minHematoxylinOD ? .lymphocyte : .tumour
    }

    public func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        let px = pixelSizeMicrons.isFinite && pixelSizeMicrons > 0 ? pixelSizeMicrons : 0.5
        guard relativeToNeighbours else {
            return segmentation.cells.map { role(of: $0, pixelArea: px * px) == .lymphocyte ? 1 : 0 }
        }
        let cuts = neighbourCuts(segmentation.cells, pixelSizeMicrons: px)
        return segmentation.cells.indices.map { i in
            let c = segmentation.cells[i]
            let area = Double(c.nucleusAreaPixels) * px * px
            return area <= maxNucleusAreaMicrons2 && c.nucleusCircularity >= minCircularity
                && Double(c.nucleus.hematoxylinMean) >= cuts[i] ? 1 : 0
        }
    }

    /// Each cell's hematoxylin cut with `relativeToNeighbours`: `neighbourRatio` x the median
    /// nucleus hematoxylin of the larger nuclei (above `maxNucleusAreaMicrons2`) whose centres lie
    /// within `neighbourRadiusMicrons`, but never above `minHematoxylinOD`; `minHematoxylinOD` when
    /// there is no larger nucleus near. Cells sorted into squares of the radius; each cell's
    /// neighbours collected in a fixed order, so the result is the same however it is run.
    func neighbourCuts(_ cells: [Cell], pixelSizeMicrons px: Double) -> [Double] {
        let r = neighbourRadiusMicrons / px, r2 = r * r
        let largePixels = maxNucleusAreaMicrons2 / (px * px)
        var squares: [Int64: [Int]] = [:]
        @inline(__always) func key(_ gx: Int, _ gy: Int) -> Int64 { Int64(gx) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: gy))) }
        for (j, c) in cells.enumerated() where Double(c.nucleusAreaPixels) > largePixels {
            squares[key(Int((c.centroidX / r).rounded(.down)), Int((c.centroidY / r).rounded(.down))), default: []].append(j)
        }
        var values: [Double] = []
        return cells.map { c in
            let gx = Int((c.centroidX / r).rounded(.down)), gy = Int((c.centroidY / r).rounded(.down))
            values.removeAll(keepingCapacity: true)
            for dx in -1...1 {
                for dy in -1...1 {
                    for j in squares[key(gx + dx, gy + dy)] ?? [] {
                        let o = cells[j], ex = o.centroidX - c.centroidX, ey = o.centroidY - c.centroidY
                        if ex * ex + ey * ey <= r2 { values.append(Double(o.nucleus.hematoxylinMean)) }
                    }
                }
            }
            guard !values.isEmpty else { return minHematoxylinOD }
            values.sort()
            let m = values.count / 2
            let median = values.count % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2
            return min(minHematoxylinOD, neighbourRatio * median)
        }
    }
}
