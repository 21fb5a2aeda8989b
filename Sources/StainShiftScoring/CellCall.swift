import StainShiftCells
import StainShiftStains

/// The scoring decision for one cell: its bins and the OD values they came from.
public struct CellCall: Sendable, Equatable {
    public var label: Int32
    /// The cell's role in scoring.
    public var cellClass: CellClass
    /// The cell's class name: the classifier's (`CellClassifying.classNames`), else the role's
    /// `defaultName` (`Tumor`, `Immune cells`, ...).
    public var className: String
    /// Bin on the marker's primary compartment.
    public var bin: IntensityBin
    /// Bin on the secondary compartment (nil when the marker has none).
    public var secondaryBin: IntensityBin?
    /// Bin on whole-cell mean DAB OD (primary thresholds).
    public var wholeCellBin: IntensityBin
    public var primaryOD: Double
    public var secondaryOD: Double?
    public var wholeCellOD: Double

    public var positive: Bool { bin != .negative }
}

extension Cell {
    /// Measurements of one compartment (`.cell` is the whole cell).
    public func stats(_ compartment: Compartment) -> CompartmentStats {
        switch compartment {
        case .nucleus: nucleus
        case .cytoplasm: cytoplasm
        case .membrane: membrane
        case .cell: wholeCell
        }
    }

    /// Mean DAB OD of the cytoplasm without its outer membrane ring, from the cytoplasm and membrane
    /// sums (cytoplasm = cell minus nucleus includes the ring, as in QuPath); the cytoplasm mean when
    /// nothing is left inside the ring.
    public var innerCytoplasmDAB: Double {
        let c = Double(cytoplasm.pixelCount), m = Double(membrane.pixelCount)
        guard c > m, m > 0 else { return meanDAB(.cytoplasm) }
        let v = (Double(cytoplasm.dabMean) * c - Double(membrane.dabMean) * m) / (c - m)
        return v.isFinite ? v : meanDAB(.cytoplasm)
    }

    /// Mean DAB OD of a compartment; the whole cell's when the compartment has no pixels
    /// (a cell squeezed to its nucleus has no cytoplasm ring of its own).
    public func meanDAB(_ compartment: Compartment) -> Double {
        let s = stats(compartment)
        let v = s.pixelCount > 0 ? s.dabMean : wholeCell.dabMean
        return v.isFinite ? Double(v) : 0
    }
}

/// Cells to bins to additive totals.
public enum CellScoring {
    /// Bins every cell of `segmentation` for `marker`. With `planes`, membrane readings follow
    /// `marker.membraneCytoplasmShare` or else `marker.membraneTopFraction`; without, they are the ring means.
    public static func calls(_ segmentation: CellSegmentation, planes: StainPlanes? = nil, marker: Marker) -> [CellCall] {
        var membrane: [Double]? = nil
        if let planes, let share = marker.membraneCytoplasmShare, marker.readsMembrane {
            membrane = MembraneSectors.readings(segmentation, planes: planes, cytoplasmShare: share)
        } else if let planes, let f = marker.membraneTopFraction, marker.readsMembrane {
            membrane = PeripheralDAB.topMeans(segmentation, planes: planes, fraction: f,
                                              ringOnly: marker.secondary == .cytoplasm || marker.primary == .cytoplasm)
        }
        return segmentation.cells.enumerated().map { k, cell in
            call(cell, marker: marker, membraneOD: membrane?[k])
        }
    }

    /// Bins one cell; `membraneOD` replaces the ring mean when given.
    public static func call(_ cell: Cell, marker: Marker, membraneOD: Double? = nil) -> CellCall {
        // A marker read on both membrane and cytoplasm (CRT) reads the cytoplasm inside the ring,
        // so surface staining is not counted twice.
        let both = marker.primary == .membrane && marker.secondary == .cytoplasm
        func read(_ c: Compartment) -> Double {
            switch c {
            case .membrane: membraneOD ?? cell.meanDAB(c)
            case .cytoplasm where both: cell.innerCytoplasmDAB
            default: cell.meanDAB(c)
            }
        }
        let p = read(marker.primary)
        let s = marker.secondary.map { read($0) }
        let w = cell.meanDAB(.cell)
        return CellCall(label: cell.label, cellClass: cell.cellClass, className: cell.cellClass.defaultName,
                        bin: marker.thresholds.bin(p),
                        secondaryBin: s.map { marker.effectiveSecondaryThresholds.bin($0) },
                        wholeCellBin: marker.thresholds.bin(w), primaryOD: p, secondaryOD: s, wholeCellOD: w)
    }

    /// Adds the cells' counts and OD sums to `totals` (cells in `cells` and `calls` pair up by index).
    /// Every cell is also counted under its class name (`TileTotals.classes`).
    public static func accumulate(_ calls: [CellCall], cells: [Cell], into totals: inout TileTotals) {
        var classes = totals.classes
        for (c, cell) in zip(calls, cells) {
            totals.nucleusPixels += cell.nucleusAreaPixels
            var tally = classes[c.className] ?? ClassTally(role: c.cellClass)
            tally.bins.add(bin: c.bin)
            tally.cellPixels += cell.cellAreaPixels
            if c.positive { tally.positiveCellPixels += cell.cellAreaPixels }
            classes[c.className] = tally
            switch c.cellClass {
            case .lymphocyte:
                totals.lymphocytes.add(bin: c.bin)
                totals.lymphocyteDABSum += c.primaryOD
            case .tumour:
                totals.tumour.add(bin: c.bin)
                totals.tumourWholeCell.add(bin: c.wholeCellBin)
                if let s = c.secondaryBin { totals.tumourSecondary.add(bin: s) }
                totals.primaryDABSum += c.primaryOD
                totals.secondaryDABSum += c.secondaryOD ?? 0
                totals.wholeCellDABSum += c.wholeCellOD
            case .stroma, .other:
                break  // neither in TPS's denominator nor in CPS's numerator
            }
        }
        totals.classes = classes
    }
}
