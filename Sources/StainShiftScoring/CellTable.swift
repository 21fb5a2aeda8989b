import Foundation
import StainShiftCells

/// `--cells`: one row per cell with QuPath-like column names (QuPath "Measurements" export):
/// position, areas, circularity, then hematoxylin and DAB OD mean and max in the nucleus, cytoplasm,
/// membrane ring and whole cell, then the marker's call. `Class` is the cell's class name: the
/// classifier's, or the morphology rule's `Tumor` / `Immune cells`; `Role` how it counts in scores.
public enum CellTable {
    /// Compartments in QuPath's order; each gets hematoxylin and DAB OD, mean and max.
    static let compartments = ["Nucleus", "Cytoplasm", "Membrane", "Cell"]

    static func stats(_ cell: Cell, compartment k: Int) -> CompartmentStats {
        switch k {
        case 0: cell.nucleus
        case 1: cell.cytoplasm
        case 2: cell.membrane
        default: cell.wholeCell
        }
    }

    public static let columns = [
        "Object ID", "Class", "Centroid X µm", "Centroid Y µm",
        "Nucleus: Area µm^2", "Cell: Area µm^2", "Nucleus: Circularity",
    ] + compartments.flatMap { c in
        ["\(c): Hematoxylin OD mean", "\(c): Hematoxylin OD max", "\(c): DAB OD mean", "\(c): DAB OD max"]
    } + [
        "Compartment", "Scored DAB OD", "Intensity bin", "Positive", "Secondary compartment", "Secondary bin", "Role",
    ]

    public static func tsv(_ analysis: TileAnalysis) -> String {
        tsv(cells: analysis.segmentation.cells, calls: analysis.calls, marker: analysis.marker,
            pixelSizeMicrons: analysis.score.pixelSizeMicrons)
    }

    /// The table of `cells` and their `calls` (paired by index), e.g. a tiled image's counted cells
    /// in image coordinates.
    public static func tsv(cells: [Cell], calls: [CellCall], marker: Marker, pixelSizeMicrons px: Double) -> String {
        let area = px * px
        var s = columns.joined(separator: "\t") + "\n"
        s.reserveCapacity(calls.count * 200)
        func f(_ v: Double, _ digits: Int = 4) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "NA" }
        func f(_ v: Float) -> String { f(Double(v)) }
        for (cell, call) in zip(cells, calls) {
            let row: [String] = [
                String(cell.label), call.className,
                f(cell.centroidX * px, 2), f(cell.centroidY * px, 2),
                f(Double(cell.nucleusAreaPixels) * area, 2), f(Double(cell.cellAreaPixels) * area, 2),
                f(cell.nucleusCircularity),
            ] + compartments.indices.flatMap { k -> [String] in
                // An empty compartment (no expansion, or a ring-less cell) has no mean: NA, as QuPath's NaN.
                let c = stats(cell, compartment: k)
                guard c.pixelCount > 0 else { return ["NA", "NA", "NA", "NA"] }
                return [f(c.hematoxylinMean), f(c.hematoxylinMax), f(c.dabMean), f(c.dabMax)]
            } + [
                marker.primary.rawValue, f(call.primaryOD), call.bin.rawValue, call.positive ? "1" : "0",
                marker.secondary?.rawValue ?? "NA", call.secondaryBin?.rawValue ?? "NA", call.cellClass.rawValue,
            ]
            s += row.joined(separator: "\t") + "\n"
        }
        return s
    }
}
