import Foundation

/// How numbers appear in every human- and machine-readable table StainShift writes
/// (`*.tsv`, `report.html`, `stainshift_mqc.tsv`), so a number read in the report can be
/// found character for character in the tables.
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
        let places = max(0, min(decimals, 12))
        let text = String(format: "%.\(places)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// `number(_:)` of an optional value; `NA` when absent.
    public static func number(_ value: Double?, decimals: Int = ReportFormat.decimals) -> String {
        guard let value else { return missing }
        return number(value, decimals: decimals)
    }

    /// Counts are written as plain integers.
    public static func integer(_ value: Int) -> String { String(value) }
}
