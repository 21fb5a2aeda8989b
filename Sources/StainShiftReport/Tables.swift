import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftFoundation
import StainShiftImaging
import StainShiftScoring

/// The TSV tables of a run (`docs/TABLES.md` documents every column). Rows are sorted and
/// numbers printed with fixed decimals, so the same inputs give byte-identical files.
public enum Tables {
    /// Writes all five tables into `directory` atomically.
    /// `scoredCells` gives the population a marker's `percent_positive` counts (the `cells_total`
    /// and `cells_positive` columns), tumour cells unless said otherwise.
    public static func write(_ result: CohortResult, signalIDs: [String], scoredCells: ScoredCells = Tables.tumourCells,
                             to directory: String) throws(FileError) {
        let url = URL(fileURLWithPath: directory)
        try AtomicFile.write(tiles(result.tiles, scoredCells: scoredCells), to: url.appendingPathComponent("tiles.tsv").path)
        try AtomicFile.write(slides(result.slides, scoredCells: scoredCells), to: url.appendingPathComponent("slides.tsv").path)
        try AtomicFile.write(changes(result.changes), to: url.appendingPathComponent("changes.tsv").path)
        try AtomicFile.write(groups(result.calls, signalIDs: signalIDs), to: url.appendingPathComponent("groups.tsv").path)
        try AtomicFile.write(failures(result.failures), to: url.appendingPathComponent("failures.tsv").path)
    }

    public typealias ScoredCells = @Sendable (_ marker: String, _ totals: TileTotals) -> BinCounts
    public static let tumourCells: ScoredCells = { $1.tumour }

    // MARK: tables

    /// Fixed count columns shared by tiles.tsv and slides.tsv, after the marker scores.
    static let countColumns = ["tumour_cells", "tumour_positive", "tumour_negative", "tumour_1plus", "tumour_2plus",
                               "tumour_3plus", "lymphocytes", "lymphocytes_positive", "tissue_pixels", "tissue_fraction"]

    static func countFields(_ t: TileTotals) -> [String] {
        [String(t.tumour.total), String(t.tumour.positive), String(t.tumour.negative), String(t.tumour.weak),
         String(t.tumour.moderate), String(t.tumour.strong), String(t.lymphocytes.total), String(t.lymphocytes.positive),
         String(t.tissuePixels), number(t.imagePixels == 0 ? .nan : Double(t.tissuePixels) / Double(t.imagePixels))]
    }

    /// Cell-class columns after the counts of tiles.tsv and slides.tsv: stroma and other cells (in no
    /// score's population), and every class as `NAME:total/positive` (`;`-separated, role order).
    static let classColumns = ["stroma_cells", "other_cells", "classes"]

    static func classFields(_ t: TileTotals) -> [String] {
        [String(t.cells(ofRole: .stroma).total), String(t.cells(ofRole: .other).total),
         t.orderedClasses.map { "\($0.name.replacingOccurrences(of: ";", with: ",")):\($0.tally.bins.total)/\($0.tally.bins.positive)" }
             .joined(separator: ";")]
    }

    /// Marker score columns: `percent_positive` and `hscore` first, then every other score name in
    /// order of first appearance (markers sorted by name).
    static func scoreColumns(_ lists: [(marker: String, scores: [MarkerScore])]) -> [String] {
        var names = [CommonScore.percentPositive, CommonScore.hscore]
        for item in lists.sorted(by: { $0.marker < $1.marker }) {
            for s in item.scores where !names.contains(s.name) { names.append(s.name) }
        }
        return names
    }

    static func scoreFields(_ columns: [String], _ scores: [MarkerScore], totals: TileTotals) -> [String] {
        columns.map { name in
            if let s = scores.first(where: { $0.name == name }) { return number(s.value) }
            switch name {
            case CommonScore.percentPositive: return number(totals.tumour.percentPositive)
            case CommonScore.hscore: return number(totals.tumour.hScore)
            default: return "NA"
            }
        }
    }

    public static func tiles(_ tiles: [TileRecord], scoredCells: ScoredCells = Tables.tumourCells) -> String {
        let sorted = tiles.sorted { a, b in
            (a.patient, a.marker, a.timepoint == .pre ? 0 : 1, a.slide, a.image) < (b.patient, b.marker, b.timepoint == .pre ? 0 : 1, b.slide, b.image)
        }
        let lists = sorted.map { (marker: $0.marker, scores: $0.scores) }
        let columns = scoreColumns(Dictionary(lists.map { ($0.marker, $0.scores) }, uniquingKeysWith: { a, _ in a }).map { (marker: $0.key, scores: $0.value) })
        // The CONTRACT's first eight columns, in its order (percent_positive and hscore lead
        // `columns`), then the slide, the other marker scores and the counts.
        let lead = Array(columns.prefix(2)), rest = Array(columns.dropFirst(2))
        var out = row(["patient", "timepoint", "marker", "image", "cells_total", "cells_positive"] + lead + ["slide"] + rest
                      + countColumns + classColumns + ["pixel_size", "qc_flags", "sha256", "od_scale", "pixel_size_source"])
        for t in sorted {
            let totals = t.score.totals
            let cells = scoredCells(t.marker, totals)
            let scores = scoreFields(columns, t.scores, totals: totals)
            let counts: [String] = countFields(totals) + classFields(totals)
            out += row([t.patient, t.timepoint.rawValue, t.marker, t.image, String(cells.total), String(cells.positive)]
                       + scores.prefix(2) + [t.slide] + scores.dropFirst(2) + counts
                       + [number(t.score.pixelSizeMicrons), t.score.qcFlags.map(\.rawValue).sorted().joined(separator: ","), t.sha256,
                          number(t.score.odScale), t.score.pixelSizeSource?.rawValue ?? "NA"])
        }
        return out
    }

    public static func slides(_ slides: [SlideRecord], scoredCells: ScoredCells = Tables.tumourCells) -> String {
        let sorted = slides.sorted { a, b in
            (a.patient, a.marker, a.timepoint == .pre ? 0 : 1, a.slide) < (b.patient, b.marker, b.timepoint == .pre ? 0 : 1, b.slide)
        }
        let columns = scoreColumns(Dictionary(sorted.map { ($0.marker, $0.scores) }, uniquingKeysWith: { a, _ in a }).map { (marker: $0.key, scores: $0.value) })
        var out = row(["patient", "timepoint", "marker", "slide", "tiles", "failed_tiles", "cells_total", "cells_positive"]
                      + columns + countColumns + classColumns
                      + ["stains_source", "stains", "stain_drift_deg", "qc_flags", "overlay", "od_scale"])
        for s in sorted {
            let t = s.totals
            out += row([s.patient, s.timepoint.rawValue, s.marker, s.slide, String(s.tileCount), String(s.failedTiles),
                        String(scoredCells(s.marker, t).total), String(scoredCells(s.marker, t).positive)]
                       + scoreFields(columns, s.scores, totals: t) + (countFields(t) + classFields(t))
                       + [s.stainsSource, s.stains, number(s.stainDriftDegrees, decimals: 2), s.qcFlags.joined(separator: ","), s.overlay ?? "",
                          number(s.odScale, decimals: 4)])
        }
        return out
    }

    public static func changes(_ changes: [ChangeRecord]) -> String {
        var out = row(["patient", "marker", "metric", "pre", "post", "delta", "relative_change", "ci_low", "ci_high",
                       "ci_excludes_zero", "pre_tiles", "post_tiles", "pre_tumour_cells", "post_tumour_cells"])
        for c in changes {  // already in patient, marker, metric-reporting order
            out += row([c.patient, c.marker, c.metric, number(c.pre), number(c.post), number(c.delta),
                        number(c.relativeChange), number(c.ciLow), number(c.ciHigh),
                        c.ciLow.isNaN ? "NA" : (c.ciExcludesZero ? "yes" : "no"),
                        String(c.preTiles), String(c.postTiles), String(c.preTumourCells), String(c.postTumourCells)])
        }
        return out
    }

    public static func groups(_ calls: [PatientCall], signalIDs: [String]) -> String {
        var out = row(["patient", "pdl1_group", "benefit", "rationale", "rule", "tps_pre", "tps_post", "tps_delta",
                       "tps_ci_low", "tps_ci_high", "tps_category_pre", "tps_category_post", "tps_category_changed"]
                      + signalIDs + ["stain_drift_deg", "probability", "outcome", "flags"])
        for c in calls.sorted(by: { $0.patient < $1.patient }) {
            let signals = signalIDs.map { id in c.signals.first { $0.id == id }?.state.rawValue ?? "unmeasured" }
            out += row([c.patient, c.pdl1Group.rawValue, c.benefit.rawValue, c.rationale, c.rule,
                        number(c.tpsPre), number(c.tpsPost), number(c.tpsDelta), number(c.tpsCILow), number(c.tpsCIHigh),
                        c.tpsCategoryPre ?? "NA", c.tpsCategoryPost ?? "NA", c.tpsCategoryChanged.map { $0 ? "yes" : "no" } ?? "NA"]
                       + signals + [number(c.stainDriftDegrees, decimals: 2), number(c.probability), c.outcome.map(String.init) ?? "NA",
                                    c.flags.joined(separator: ",")])
        }
        return out
    }

    public static func failures(_ failures: [FailureRecord]) -> String {
        let sorted = failures.sorted { a, b in
            (a.line ?? Int.max, a.slide ?? "", a.image, a.stage, a.error) < (b.line ?? Int.max, b.slide ?? "", b.image, b.stage, b.error)
        }
        var out = row(["line", "slide", "image", "stage", "error"])
        for f in sorted {
            out += row([f.line.map(String.init) ?? "NA", f.slide ?? "", f.image, f.stage, f.error])
        }
        return out
    }

    // MARK: formatting

    /// Fixed decimals (4 unless said), `NA` for missing or non-finite values, never `-0.0000`.
    public static func number(_ v: Double?, decimals: Int = 4) -> String {
        guard let v, v.isFinite else { return "NA" }
        let s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// One TSV line; tabs and newlines inside a field become spaces.
    static func row(_ fields: [String]) -> String {
        fields.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\t") + "\n"
    }
}
