import StainShiftStains

/// Gives every detected cell a class. The morphology rule (a small, round, dark nucleus is a
/// lymphocyte) is one such classifier; a random forest trained on a pathologist's points
/// (`stainshift train-cells`) is another. Scores count cells by their class's role.
public protocol CellClassifying: Sendable {
    /// The class names, in index order, as the annotations named them ("Tumor", "Stroma", ...).
    var classNames: [String] { get }
    /// How each class counts in scores, one per `classNames` entry: tumour cells make TPS's
    /// denominator; lymphocytes (immune cells) enter CPS's numerator; stroma and other neither.
    var roles: [CellClass] { get }
    /// One index into `classNames` per cell of `segmentation.cells`, in the same order. A cell's
    /// class depends on the cell and its neighbourhood only, never on tile-wide statistics, so a
    /// slide gives the same classes however it is tiled.
    func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int]
}
