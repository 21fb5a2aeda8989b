/// A marker-specific score derived from `TileTotals`. The raw value is the score's stable,
/// snake_case name: it becomes a JSON key and a table column.
public enum ScoreFormula: String, Sendable, Codable, CaseIterable {
    /// Tumour proportion score: percent tumour cells with membrane staining at any intensity (22C3 pharmDx).
    case tps
    /// Combined positive score: (positive tumour cells + positive lymphocytes) / tumour cells x 100, capped at 100.
    case cps
    /// Clinical TPS category as a number: 0 `<1%`, 1 `1-49%`, 2 `>=50%` (KEYNOTE-024/042 cut-offs).
    case tpsCategoryCode = "tps_category_code"
    /// Ki67 labelling index: percent positive nuclei over the marker's population.
    case labellingIndex = "labelling_index"
    /// Percent lymphocytes positive on the primary compartment.
    case lymphocytePercentPositive = "lymphocyte_percent_positive"
    case membranePercentPositive = "membrane_percent_positive"
    case membraneHScore = "membrane_hscore"
    case nuclearPercentPositive = "nuclear_percent_positive"
    case nuclearHScore = "nuclear_hscore"
    case cytoplasmicPercentPositive = "cytoplasmic_percent_positive"
    case cytoplasmicHScore = "cytoplasmic_hscore"
    case wholeCellHScore = "whole_cell_hscore"
    /// HMGB1 release: percent tumour cells with cytoplasmic positivity.
    case translocationIndex = "translocation_index"
    /// Sum of membrane mean DAB OD / sum of cytoplasm mean DAB OD over tumour cells (0 when the cytoplasm sum is 0).
    case membraneCytoplasmRatio = "membrane_cytoplasm_ratio"
    /// Mean over tumour cells of each compartment's mean DAB OD.
    case membraneMeanOD = "membrane_mean_dab_od"
    case nuclearMeanOD = "nuclear_mean_dab_od"
    case cytoplasmicMeanOD = "cytoplasmic_mean_dab_od"
}

/// Names of the scores every marker reports, in order.
public enum CommonScore {
    public static let percentPositive = "percent_positive"
    public static let hscore = "hscore"
    /// Pixel-level scores over tissue pixels (HistomicsTK positive pixel count, on DAB OD bins).
    public static let pixelNames = ["pixel_percent_positive", "pixel_percent_weak", "pixel_percent_moderate",
                                    "pixel_percent_strong", "pixel_hscore", "pixel_mean_dab_od"]
}
