/// Tile quality flags; they travel with the tile's result into slides and reports.
public enum QCFlag: String, Sendable, Codable, CaseIterable, Comparable {
    case lowTissue = "low_tissue"
    case outOfFocus = "out_of_focus"
    case saturated = "saturated"
    case tooFewCells = "too_few_cells"

    public static func < (a: QCFlag, b: QCFlag) -> Bool { a.rawValue < b.rawValue }
}
