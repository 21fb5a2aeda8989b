import StainShiftCells
import StainShiftStains

extension CellClass {
    /// QuPath's name for a cell of this role when no classifier names it: `Tumor`, `Immune cells`,
    /// `Stroma`, `Other`.
    public var defaultName: String {
        switch self {
        case .tumour: MorphologyRule.tumourName
        case .lymphocyte: MorphologyRule.immuneName
        case .stroma: "Stroma"
        case .other: "Other"
        }
    }

    /// Reporting order of roles (tumour, immune, stroma, other).
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// The classes of a tile's cells: the classifier's class names and roles, and each cell's class.
public struct CellClassAssignment: Sendable, Equatable {
    public var classNames: [String]
    public var roles: [CellClass]
    /// One index into `classNames` per cell of the segmentation, same order.
    public var perCell: [Int]

    public init(classNames: [String], roles: [CellClass], perCell: [Int]) {
        self.classNames = classNames; self.roles = roles; self.perCell = perCell
    }

    /// Name for a cell.
    public func name(ofCell k: Int) -> String { classNames[perCell[k]] }

    /// Classifies `segmentation`'s cells with `classifier` and sets each cell's role
    /// (`Cell.cellClass`) to its class's. A class index out of range, or a cell the classifier gave no
    /// class, becomes `Unclassified` (role `.other`: counted in no score), so a faulty model cannot
    /// crash scoring or put cells into a denominator.
    public static func apply(_ classifier: any CellClassifying, to segmentation: inout CellSegmentation,
                             planes: StainPlanes, pixelSizeMicrons: Double) -> CellClassAssignment {
        var names = classifier.classNames, roles = classifier.roles
        if roles.count < names.count { roles += [CellClass](repeating: .other, count: names.count - roles.count) }
        roles = Array(roles.prefix(names.count))
        let indices = segmentation.cells.isEmpty ? [] : classifier.classify(segmentation, planes: planes,
                                                                           pixelSizeMicrons: pixelSizeMicrons)
        var unclassified: Int? = nil
        var perCell = [Int](repeating: 0, count: segmentation.cells.count)
        for k in segmentation.cells.indices {
            var c = k < indices.count ? indices[k] : -1
            if c < 0 || c >= names.count {
                if unclassified == nil { names.append("Unclassified"); roles.append(.other); unclassified = names.count - 1 }
                c = unclassified ?? 0
            }
            perCell[k] = c
            segmentation.cells[k].cellClass = roles[c]
        }
        return CellClassAssignment(classNames: names, roles: roles, perCell: perCell)
    }

    /// The classes the cells already carry (their roles, under `CellClass.defaultName`): the
    /// morphology rule's two classes always, and any other role present.
    public static func fromRoles(_ cells: [Cell]) -> CellClassAssignment {
        var roles: [CellClass] = [.tumour, .lymphocyte]
        for c in cells where !roles.contains(c.cellClass) { roles.append(c.cellClass) }
        roles.sort { $0.order < $1.order }
        return CellClassAssignment(classNames: roles.map(\.defaultName), roles: roles,
                                   perCell: cells.map { c in roles.firstIndex(of: c.cellClass) ?? 0 })
    }
}

/// One class's cells in a tile (or, summed, a slide): additive.
public struct ClassTally: Sendable, Equatable, Codable {
    /// How the class counts in scores (`CellClassifying.roles`).
    public var role: CellClass
    /// Cells binned on the marker's primary compartment.
    public var bins = BinCounts()
    /// Summed cell areas (nucleus + expansion), pixels.
    public var cellPixels: Int = 0
    /// Summed cell areas of the positive cells, pixels (SP142's IC area for immune classes).
    public var positiveCellPixels: Int = 0

    public init(role: CellClass) { self.role = role }

    public static func + (a: ClassTally, b: ClassTally) -> ClassTally {
        var s = a
        s.bins = a.bins + b.bins
        s.cellPixels += b.cellPixels
        s.positiveCellPixels += b.positiveCellPixels
        return s
    }
}

extension TileTotals {
    /// Classes in reporting order: by role (tumour, immune, stroma, other), then name.
    public var orderedClasses: [(name: String, tally: ClassTally)] {
        classes.map { (name: $0.key, tally: $0.value) }.sorted {
            ($0.tally.role.order, $0.name) < ($1.tally.role.order, $1.name)
        }
    }

    /// Cells of one role, summed over its classes (stroma and other are counted only here).
    public func cells(ofRole role: CellClass) -> BinCounts {
        classes.values.filter { $0.role == role }.reduce(BinCounts()) { $0 + $1.bins }
    }

    /// Summed area (pixels) of positive immune cells (classes of role `.lymphocyte`).
    public var positiveImmunePixels: Int {
        classes.values.filter { $0.role == .lymphocyte }.reduce(0) { $0 + $1.positiveCellPixels }
    }
}
