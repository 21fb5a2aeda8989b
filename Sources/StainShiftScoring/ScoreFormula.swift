/// A marker-specific score derived from `TileTotals`. The raw value is the score's stable,
/// snake_case name: it becomes a JSON key and a table column.
public enum ScoreFormula: String, Sendable, Codable, CaseIterable {
    /// Tumour proportion score: percent tumour cells with membrane staining at any intensity (22C3 pharmDx);
    /// over tumour cells only (stroma and other cells are not in the denominator).
    case tps
    /// Combined positive score: (positive tumour cells + positive immune cells: lymphocytes and
    /// macrophages) / tumour cells x 100, capped at 100. Stroma and other cells count in neither.
    case cps
    /// Clinical TPS category as a number: 0 `<1%`, 1 `1-49%`, 2 `>=50%` (KEYNOTE-024/042 cut-offs).
    case tpsCategoryCode = "tps_category_code"
    /// 22C3 CPS category as a number: 0 `<1`, 1 `1-9`, 2 `>=10` (`Marker.cpsCategory`).
    case cpsCategoryCode = "cps_category_code"
    /// SP263 tumour-cell (TC) category as a number: 0 `<1%`, 1 `1-24%`, 2 `25-49%`, 3 `>=50%`
    /// on the TPS (`Marker.tcCategory`).
    case tcCategoryCode = "tc_category_code"
    /// SP142 immune-cell (IC) score: percent of the tumour area occupied by PD-L1-positive immune
    /// cells (their cell areas over the tissue area: `Marker.icScore`).
    case icScore = "ic_score"
    /// SP142 IC category as a number: 0 IC0 (<1%), 1 IC1 (>=1 <5%), 2 IC2 (>=5 <10%), 3 IC3 (>=10%).
    case icCategoryCode = "ic_category_code"
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
