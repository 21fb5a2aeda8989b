import Foundation
import StainShiftScoring
import StainShiftStains
import StainShiftFoundation

/// Slides and pre/post change scores from slide parts: slides are sums of their tiles, scores are
/// derived from the sums, changes pool a patient's slides per timepoint.
public enum CohortAnalysis {
    /// Below this many scorable tumour cells a slide cannot support a TPS call (the PD-L1 22C3
    /// and SP263 scoring guides require at least 100 viable tumour cells).
    public static let minimumTumourCells = Marker.minimumTumourCells

    /// One `SlideRecord` per part, sorted by patient, marker, timepoint, slide.
    /// Slide QC flags: the tiles' flags, `few_tumour_cells` below `minimumTumourCells`, `no_tiles`
    /// when nothing was scored, `stain_drift` when the stains differ from the other timepoint's
    /// slides of the same patient and marker by more than `StainDrift.threshold` degrees,
    /// `od_scale_drift` when their OD factors differ by more than `ODScaleDrift.threshold` times.
    public static func slides(_ parts: [SlidePart], scores: MarkerScoring) -> [SlideRecord] {
        let drift = driftBySlide(parts) { StainDrift.degrees($0.stainVectors, $1.stainVectors) }
        let factors = Dictionary(parts.compactMap { p in ODScaleDrift.median(p).map { (p.slide, $0) } }, uniquingKeysWith: max)
        let intensity = driftBySlide(parts) { a, b in
            guard let x = factors[a.slide], let y = factors[b.slide] else { return nil }
            return ODScaleDrift.ratio(x, y)
        }
        return sortedParts(parts).map { part in
            let totals = part.totals
            var flags = Set(part.tiles.flatMap { $0.score.qcFlags.map(\.rawValue) })
            if part.tiles.isEmpty { flags.insert("no_tiles") }
            if totals.tumour.total < minimumTumourCells { flags.insert("few_tumour_cells") }
            let d = drift[part.slide]
            if let d, d > StainDrift.threshold { flags.insert("stain_drift") }
            if let r = intensity[part.slide], r > ODScaleDrift.threshold { flags.insert("od_scale_drift") }
            var record = SlideRecord(patient: part.patient, timepoint: part.timepoint, marker: part.marker,
                                     slide: part.slide, tileCount: part.tiles.count, totals: totals,
                                     scores: scores(part.marker, totals), qcFlags: flags.sorted(),
                                     stains: part.stains, stainsSource: part.stainsSource)
            record.stainDriftDegrees = d
            record.odScale = factors[part.slide]
            record.failedTiles = part.failures.count
            return record
        }
    }

    /// Largest `measure` of each slide against the other timepoint's slides (same patient, marker);
    /// pairs it returns nil for are skipped.
    static func driftBySlide(_ parts: [SlidePart], _ measure: (SlidePart, SlidePart) -> Double?) -> [String: Double] {
        var out: [String: Double] = [:]
        let groups = Dictionary(grouping: parts) { "\($0.patient)\u{1F}\($0.marker)" }
        for (_, group) in groups {
            for a in group where a.timepoint == .pre {
                for b in group where b.timepoint == .post {
                    guard let d = measure(a, b) else { continue }
                    out[a.slide] = max(out[a.slide] ?? 0, d)
                    out[b.slide] = max(out[b.slide] ?? 0, d)
                }
            }
        }
        return out
    }

    public static func sortedParts(_ parts: [SlidePart]) -> [SlidePart] {
        parts.sorted { a, b in
            (a.patient, a.marker, a.timepoint == .pre ? 0 : 1, a.slide) < (b.patient, b.marker, b.timepoint == .pre ? 0 : 1, b.slide)
        }
    }

    /// Pre vs post per patient, marker and metric, with bootstrap intervals; sorted by patient,
    /// marker, then the marker's metric order. Patients lacking a timepoint for a marker get no rows
    /// (the classifier reports them as insufficient). Pairs are computed in parallel; each has its
    /// own random stream, so results do not depend on `threads`.
    public static func changes(_ parts: [SlidePart], resamples: Int, seed: UInt64, threads: Int = 1,
                               scores: MarkerScoring) -> [ChangeRecord] {
        struct Pair { var patient: String; var marker: String; var pre: [[TileTotals]] = []; var post: [[TileTotals]] = [] }
        var pairs: [String: Pair] = [:]
        for part in sortedParts(parts) where !part.tiles.isEmpty {
            let key = "\(part.patient)\u{1F}\(part.marker)"
            var pair = pairs[key] ?? Pair(patient: part.patient, marker: part.marker)
            let totals = part.tiles.map(\.score.totals)
            if part.timepoint == .pre { pair.pre.append(totals) } else { pair.post.append(totals) }
            pairs[key] = pair
        }
        let list = pairs.values.filter { !$0.pre.isEmpty && !$0.post.isEmpty }
            .sorted { ($0.patient, $0.marker) < ($1.patient, $1.marker) }
        let results = ResultSlots<[ChangeRecord]>(count: list.count)
        let workers = max(1, min(threads, list.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < list.count {
                let pair = list[i]
                let preTotals = pair.pre.joined().reduce(into: TileTotals()) { $0 += $1 }
                let postTotals = pair.post.joined().reduce(into: TileTotals()) { $0 += $1 }
                let preScores = scores(pair.marker, preTotals), postScores = scores(pair.marker, postTotals)
                let ci = Bootstrap.deltaIntervals(pre: pair.pre, post: pair.post, resamples: resamples, seed: seed,
                                                  labels: [pair.patient, pair.marker]) { scores(pair.marker, $0) }
                var rows: [ChangeRecord] = []
                for s in preScores {
                    guard let p = postScores.first(where: { $0.name == s.name }) else { continue }
                    let interval = ci[s.name]
                    var row = ChangeRecord(patient: pair.patient, marker: pair.marker, metric: s.name, pre: s.value,
                                           post: p.value, ciLow: interval?.low ?? .nan, ciHigh: interval?.high ?? .nan)
                    row.preTiles = pair.pre.reduce(0) { $0 + $1.count }
                    row.postTiles = pair.post.reduce(0) { $0 + $1.count }
                    row.preTumourCells = preTotals.tumour.total
                    row.postTumourCells = postTotals.tumour.total
                    rows.append(row)
                }
                results.set(i, rows)
                i += workers
            }
        }
        return results.all.flatMap { $0 ?? [] }
    }
}
