/// What evaluation needs of one detected cell: its nucleus centroid in pixels, its class name
/// (`CellClass.rawValue`: `tumour` or `lymphocyte`) and the marker's call.
public struct DetectedCell: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var cellClass: String
    public var positive: Bool

    public init(x: Double, y: Double, cellClass: String = "tumour", positive: Bool = false) {
        self.x = x; self.y = y; self.cellClass = cellClass; self.positive = positive
    }
}
