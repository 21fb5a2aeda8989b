import Foundation
import StainShiftCells

/// `--cells`: one row per cell with QuPath-like column names (QuPath "Measurements" export).
public enum CellTable {
    public static let columns = [
        "Object ID", "Class", "Centroid X µm", "Centroid Y µm",
        "Nucleus: Area µm^2", "Cell: Area µm^2", "Nucleus: Circularity",
        "Nucleus: Hematoxylin OD mean", "Nucleus: DAB OD mean", "Nucleus: DAB OD max",
        "Cytoplasm: Hematoxylin OD mean", "Cytoplasm: DAB OD mean",
        "Membrane: DAB OD mean", "Membrane: DAB OD max",
        "Cell: Hematoxylin OD mean", "Cell: DAB OD mean", "Cell: DAB OD max",
        "Compartment", "Scored DAB OD", "Intensity bin", "Positive", "Secondary compartment", "Secondary bin",
    ]

    public static func tsv(_ analysis: TileAnalysis) -> String {
        let px = analysis.score.pixelSizeMicrons
        let area = px * px
        let marker = analysis.marker
        var s = columns.joined(separator: "\t") + "\n"
        s.reserveCapacity(analysis.calls.count * 160)
        func f(_ v: Double, _ digits: Int = 4) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "NA" }
        func f(_ v: Float) -> String { f(Double(v)) }
        for (cell, call) in zip(analysis.segmentation.cells, analysis.calls) {
            let row: [String] = [
                String(cell.label), cell.cellClass == .tumour ? "Tumor" : "Lymphocyte",
                f(cell.centroidX * px, 2), f(cell.centroidY * px, 2),
                f(Double(cell.nucleusAreaPixels) * area, 2), f(Double(cell.cellAreaPixels) * area, 2),
                f(cell.nucleusCircularity),
                f(cell.nucleus.hematoxylinMean), f(cell.nucleus.dabMean), f(cell.nucleus.dabMax),
                f(cell.cytoplasm.hematoxylinMean), f(cell.cytoplasm.dabMean),
                f(cell.membrane.dabMean), f(cell.membrane.dabMax),
                f(cell.wholeCell.hematoxylinMean), f(cell.wholeCell.dabMean), f(cell.wholeCell.dabMax),
                marker.primary.rawValue, f(call.primaryOD), call.bin.rawValue, call.positive ? "1" : "0",
                marker.secondary?.rawValue ?? "NA", call.secondaryBin?.rawValue ?? "NA",
            ]
            s += row.joined(separator: "\t") + "\n"
        }
        return s
    }
}
