import Foundation
import StainShiftScoring
import StainShiftFoundation

/// How numbers appear in the tables StainShift writes (`*.tsv`, `stainshift_mqc.tsv`, `number`:
/// fixed decimals, so runs compare exactly) and how report.html shows them to a reader
/// (`shown`: percentages to one decimal, counts as integers, categories by name).
public enum ReportFormat {
    /// Decimals of scores, deltas and confidence limits, as docs/TABLES.md fixes them for every
    /// table (`%.4f`): enough to compare runs exactly, far below any biological difference.
    public static let decimals = 4

    /// Decimals of stain-drift angles (degrees), as in slides.tsv and groups.tsv.
    public static let angleDecimals = 2

    /// Written for a value that does not exist (no pre or post slide, a non-finite ratio).
    public static let missing = "NA"

    /// Fixed-point text of `value` with `decimals` places, rounded from the exact binary value
    /// as C's `printf("%.4f")` does (so Python, R and awk print the same); `NA` when not finite;
    /// never `-0.0000`.
    public static func number(_ value: Double, decimals: Int = ReportFormat.decimals) -> String {
        guard value.isFinite else { return missing }
        return JSONText.fixed(value, places: decimals)
    }

    /// `number(_:)` of an optional value; `NA` when absent.
    public static func number(_ value: Double?, decimals: Int = ReportFormat.decimals) -> String {
        guard let value else { return missing }
        return number(value, decimals: decimals)
    }

    /// Counts are written as plain integers.
    public static func integer(_ value: Int) -> String { String(value) }

    /// How report.html shows a score to a reader; the tables keep `number`'s 4 decimals.
    /// Percentages (TPS, CPS, % positive, labelling and translocation indices) and H-scores with
    /// one decimal, counts as integers, the TPS category code by its name (`<1%`, `1-49%`,
    /// `>=50%`), anything else (OD means, ratios) with 3 decimals; `NA` when missing.
    public static func shown(_ value: Double?, metric: String) -> String {
        guard let value, value.isFinite else { return missing }
        switch Shown(metric) {
        case .category:
            let code = value.rounded()
            guard abs(value - code) < 1e-9, (0...2).contains(code) else { return number(value, decimals: 1) }
            return Marker.tpsCategory(code == 0 ? 0 : code == 1 ? 1 : 50)
        case .count: return number(value, decimals: 0)
        case .oneDecimal: return number(value, decimals: 1)
        case .other: return number(value, decimals: 3)
        }
    }

    /// A change (post − pre) or an interval limit of `metric`, as a reader sees it: in the score's
    /// unit (percentage points for percentages, category steps for the TPS category).
    public static func shownChange(_ value: Double?, metric: String) -> String {
        guard let value, value.isFinite else { return missing }
        switch Shown(metric) {
        case .count: return number(value, decimals: 0)
        case .category, .oneDecimal: return number(value, decimals: 1)
        case .other: return number(value, decimals: 3)
        }
    }

    /// The reading rule of a score name (`shown`).
    enum Shown {
        case category, count, oneDecimal, other

        init(_ metric: String) {
            let m = metric.lowercased()
            if m == "tps_category_code" || m.hasSuffix("category_code") { self = .category }
            else if m.hasSuffix("_count") || m.hasSuffix("count") || m == "cells" || m == "tiles" || m.hasSuffix("_cells") { self = .count }
            else if MetricInfo.range(m) == 0...100 || m.contains("percent") || m.hasSuffix("_index") || m == "tps" || m == "cps"
                        || m.contains("hscore") || m.contains("h_score") { self = .oneDecimal }
            else { self = .other }
        }
    }
}
