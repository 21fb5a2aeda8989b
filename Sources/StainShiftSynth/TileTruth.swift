import StainShiftCells
import StainShiftScoring
import StainShiftStains

/// The exact truth of one synthetic cell.
public struct CellTruth: Sendable, Equatable {
    /// Label in the truth label maps (1-based).
    public var label: Int32
    public var cellClass: CellClass
    /// Painted bin on the marker's primary compartment.
    public var bin: IntensityBin
    /// Painted bin on the secondary compartment (nil when the marker has none).
    public var secondaryBin: IntensityBin?
    public var centroidX: Double
    public var centroidY: Double
    public var nucleusAreaPixels: Int
    /// Painted DAB OD of the primary and secondary compartments.
    public var primaryOD: Double
    public var secondaryOD: Double?
    /// True when the nucleus was placed touching another.
    public var touching: Bool

    public var positive: Bool { bin != .negative }
}

/// Everything that is true of a synthetic tile: cells, label maps, tissue and the stains used.
public struct TileTruth: Sendable {
    public var width: Int
    public var height: Int
    public var pixelSizeMicrons: Double
    public var marker: String
    public var cells: [CellTruth]
    /// Per pixel: nucleus label, 0 elsewhere.
    public var nucleusLabels: [Int32]
    /// Per pixel: cell label (nucleus + cytoplasm + membrane), 0 elsewhere.
    public var cellLabels: [Int32]
    /// Per pixel: 1 in a cell's membrane ring.
    public var membraneMask: [UInt8]
    /// Per pixel: 1 tissue, 0 glass.
    public var tissueMask: [UInt8]
    /// The jittered stain vectors the tile was painted with.
    public var stains: StainMatrix

    public var tumourCells: Int { cells.reduce(0) { $0 + ($1.cellClass == .tumour ? 1 : 0) } }
    public var lymphocytes: Int { cells.count - tumourCells }

    /// Totals as a perfect scorer would count them (bins as painted, OD sums of painted levels).
    public func totals(for marker: Marker) -> TileTotals {
        var t = TileTotals()
        t.tiles = 1
        t.imagePixels = width * height
        t.tissuePixels = tissueMask.reduce(0) { $0 + Int($1) }
        for c in cells {
            t.nucleusPixels += c.nucleusAreaPixels
            if c.cellClass == .lymphocyte {
                t.lymphocytes.add(bin: c.bin); t.lymphocyteDABSum += c.primaryOD
            } else {
                t.tumour.add(bin: c.bin)
                t.primaryDABSum += c.primaryOD
                if let s = c.secondaryBin { t.tumourSecondary.add(bin: s); t.secondaryDABSum += c.secondaryOD ?? 0 }
            }
        }
        return t
    }
}

extension TileTruth {
    /// One row per painted cell: `label class bin secondary_bin positive centroid_x centroid_y nucleus_area_px touching`.
    public func tsv() -> String {
        var s = "label\tclass\tbin\tsecondary_bin\tpositive\tcentroid_x\tcentroid_y\tnucleus_area_px\ttouching\n"
        for c in cells {
            s += "\(c.label)\t\(c.cellClass.rawValue)\t\(c.bin.rawValue)\t\(c.secondaryBin?.rawValue ?? "NA")\t\(c.positive ? 1 : 0)"
            s += "\t\(String(format: "%.2f", c.centroidX))\t\(String(format: "%.2f", c.centroidY))\t\(c.nucleusAreaPixels)\t\(c.touching ? 1 : 0)\n"
        }
        return s
    }
}
