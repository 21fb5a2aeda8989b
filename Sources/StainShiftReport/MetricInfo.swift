import StainShiftCohort

/// Human names, units and natural ranges of the markers and scores StainShift reports.
/// Markers and scores are data (a config file can add more), so unknown names fall back to
/// the name itself and no range.
public enum MetricInfo {
    /// Built-in markers in reporting order: the radiotherapy-response panel, then Ki-67.
    public static let markerOrder = ["pdl1", "hla1", "crt", "hmgb1", "ki67"]

    public static func markerName(_ marker: String) -> String {
        switch marker {
        case "pdl1": "PD-L1"
        case "hla1": "HLA class I"
        case "crt": "Calreticulin"
        case "hmgb1": "HMGB1"
        case "ki67": "Ki-67"
        default: marker
        }
    }

    public static func metricName(_ metric: String) -> String {
        switch metric {
        case "tps": "TPS"
        case "cps": "CPS"
        case "ic", "ic_score": "IC score"
        case "hscore", "h_score": "H-score"
        case "percent_positive": "% positive"
        case "allred": "Allred score"
        case "membrane_ratio": "membrane/cytoplasm ratio"
        default: metric.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// Unit of a score; its delta is in the same unit (percentage points for percentages).
    /// Sources: TPS and CPS as defined for PD-L1 IHC 22C3 pharmDx (Agilent interpretation manual);
    /// H-score, McCarty et al. 1985; Allred score, Allred et al. 1998.
    public static func unit(_ metric: String) -> String {
        switch metric {
        case "tps": "% of viable tumour cells with membrane staining at any intensity (0-100)"
        case "cps": "PD-L1 positive tumour cells and immune cells per 100 tumour cells (0-100, capped)"
        case "ic_score": "% of the tumour area (the scored regions' area, else approximated by the tissue area) occupied by PD-L1 positive immune cells (SP142; 0-100)"
        case "hscore", "h_score": "H-score, 1 x %1+ + 2 x %2+ + 3 x %3+ (0-300)"
        case "percent_positive": "% of counted cells at 1+ or above (0-100)"
        case "allred": "Allred proportion + intensity score (0-8)"
        default:
            metric.hasPrefix("percent") || metric.hasSuffix("_percent") ? "% (0-100)" : "score units"
        }
    }

    /// Natural range of a score, used to give paired plots comparable axes.
    public static func range(_ metric: String) -> ClosedRange<Double>? {
        switch metric {
        case "tps", "cps", "ic_score", "percent_positive": 0...100
        case "hscore", "h_score": 0...300
        case "allred": 0...8
        default: metric.hasPrefix("percent") ? 0...100 : nil
        }
    }

    /// Canonical order of marker names: built-ins first in panel order, then the rest by name.
    static func sortMarkers<S: Sequence>(_ markers: S) -> [String] where S.Element == String {
        let unique = Set(markers)
        let known = markerOrder.filter(unique.contains)
        let rest = unique.subtracting(markerOrder).sorted(by: NaturalOrder.less)
        return known + rest
    }

    /// Plain-English meaning of the QC flags the tissue, cohort and classify stages raise.
    public static func flagMeaning(_ flag: String) -> String? {
        switch flag {
        case "low_tissue": "little tissue in the tile; scores rest on few cells"
        case "out_of_focus": "blurred tile; nuclei and membranes may be missed"
        case "saturated": "many saturated pixels; optical density is clipped"
        case "too_few_cells": "fewer tumour cells in the tile than the minimum for a reliable score"
        case "few_tumour_cells": "fewer scorable tumour cells on the slide than the minimum for a PD-L1 call"
        case "no_tiles": "no tile of the slide could be scored"
        case "missing_timepoint": "a pre or post PD-L1 slide is missing"
        case "stain_drift": "pre and post stain vectors differ by more than the drift threshold (degrees); compare with care"
        case "od_scale_drift": "pre and post OD factors (od_scale) differ more than \(ODScaleDrift.threshold)-fold: a different scanner (corrected) or counterstain (read as a DAB change)"
        case "low_cells", "low_cell_count": "low tumour cell count"
        default: nil
        }
    }
}
