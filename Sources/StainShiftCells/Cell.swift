/// Cell classes from nuclear morphology.
/// A cell's role in scoring: tumour cells make TPS's denominator, lymphocytes (immune cells:
/// lymphocytes and macrophages) enter CPS's numerator, stroma and other cells neither.
public enum CellClass: String, Sendable, Codable, CaseIterable {
    case tumour, lymphocyte, stroma, other
}

/// Mean and maximum optical density of hematoxylin and DAB in one compartment of one cell.
public struct CompartmentStats: Sendable, Equatable, Codable {
    public var pixelCount: Int = 0
    public var hematoxylinMean: Float = 0
    public var hematoxylinMax: Float = 0
    public var dabMean: Float = 0
    public var dabMax: Float = 0
    public init() {}
}

/// One detected cell: its nucleus, its expansion, and what was measured in each compartment.
public struct Cell: Sendable, Equatable {
    /// Label in `CellSegmentation.nucleusLabels` / `cellLabels` (1-based; 0 is background).
    public var label: Int32
    public var centroidX: Double
    public var centroidY: Double
    public var nucleusAreaPixels: Int
    public var cellAreaPixels: Int
    /// Nucleus shape: 4πA/P², 1 for a circle.
    public var nucleusCircularity: Double
    public var cellClass: CellClass
    public var nucleus = CompartmentStats()
    public var cytoplasm = CompartmentStats()
    public var membrane = CompartmentStats()
    /// The whole cell (nucleus + cytoplasm).
    public var wholeCell = CompartmentStats()

    public init(label: Int32, centroidX: Double, centroidY: Double, nucleusAreaPixels: Int,
                cellAreaPixels: Int, nucleusCircularity: Double, cellClass: CellClass) {
        self.label = label; self.centroidX = centroidX; self.centroidY = centroidY
        self.nucleusAreaPixels = nucleusAreaPixels; self.cellAreaPixels = cellAreaPixels
        self.nucleusCircularity = nucleusCircularity; self.cellClass = cellClass
    }
}

/// Label images and the cells measured on them.
public struct CellSegmentation: Sendable {
    public let width: Int
    public let height: Int
    /// Per pixel: the cell label whose nucleus covers it, 0 elsewhere.
    public var nucleusLabels: [Int32]
    /// Per pixel: the cell label whose cell (nucleus + expansion) covers it, 0 elsewhere.
    public var cellLabels: [Int32]
    /// Per pixel: 1 where the pixel lies in its cell's membrane ring.
    public var membraneMask: [UInt8]
    public var cells: [Cell]
    /// Factor by which this image's optical densities were multiplied before measuring
    /// (`CellParameters.measurementODScale`, else `normaliseStains`' factor, else 1). Apply it to
    /// pixel-level scores of the same tile so they share the cells' OD scale.
    public var odScale: Float = 1

    public init(width: Int, height: Int, nucleusLabels: [Int32], cellLabels: [Int32], membraneMask: [UInt8], cells: [Cell]) {
        self.width = width; self.height = height
        self.nucleusLabels = nucleusLabels; self.cellLabels = cellLabels
        self.membraneMask = membraneMask; self.cells = cells
    }
}
