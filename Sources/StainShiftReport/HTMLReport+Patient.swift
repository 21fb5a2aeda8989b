import Foundation
import StainShiftClassify
import StainShiftCohort

/// One patient's values: the overview row, and the section with the calls, their rule and
/// rationale, the score table, slides, QC and representative tiles.
extension HTMLReport {
    func patient(_ patient: String) -> PatientPart {
        let call = view.calls[patient]
        let tps = view.tpsChange(patient)
        let scores = scoreRows(patient)
        let slides = slideRows(patient)
        let qc = quality(patient)
        return PatientPart(
            id: Text(patient), anchor: Text(anchor(patient)), group: groupBadge(call?.pdl1Group),
            benefit: call.map { benefitBadge($0.benefit) },
            tpsPre: Text(ReportFormat.shown(view.tps(patient, .pre), metric: "tps")),
            tpsPost: Text(ReportFormat.shown(view.tps(patient, .post), metric: "tps")),
            tpsDelta: Text(ReportFormat.shownChange(tps?.delta, metric: "tps")),
            tpsInterval: Text(tps.map {
                "\(ReportFormat.shownChange($0.ciLow, metric: "tps")) to \(ReportFormat.shownChange($0.ciHigh, metric: "tps"))"
            } ?? ReportFormat.missing),
            tpsCategories: Text(categories(call)),
            flags: patientFlags(patient).map { Text($0) },
            call: call.map { self.call($0, patient: patient) },
            hasScores: !scoredMarkers(patient).isEmpty, scores: scores,
            hasSlides: !slides.isEmpty, slides: slides,
            hasQC: !qc.isEmpty, qc: qc,
            thumbnails: thumbnails(patient), slideMaps: slideMaps(patient))
    }

    /// The cell counts behind a TPS, e.g. " (84 of 200 tumour cells)"; empty when unknown.
    private func tpsCounts(_ patient: String, _ timepoint: Timepoint) -> String {
        guard let change = view.tpsChange(patient), let tps = view.tps(patient, timepoint), tps.isFinite else { return "" }
        let total = timepoint == .pre ? change.preTumourCells : change.postTumourCells
        guard total > 0 else { return "" }
        return " (\(Int((tps / 100 * Double(total)).rounded())) of \(total) tumour cells)"
    }

    private func call(_ call: PatientCall, patient: String) -> CallPart {
        var tps = "\(ReportFormat.shown(view.tps(patient, .pre), metric: "tps"))\(tpsCounts(patient, .pre)) \u{2192} "
            + "\(ReportFormat.shown(view.tps(patient, .post), metric: "tps"))\(tpsCounts(patient, .post))"
        if call.tpsCategoryPre != nil || call.tpsCategoryPost != nil { tps += " (\(categories(call)))" }
        var benefit = call.benefit.rawValue
        if let p = call.probability { benefit += " (model probability \(ReportFormat.number(p, decimals: 2)))" }
        let missing = call.pdl1Group == .insufficient ? missingSlides(patient) : []
        return CallPart(
            warn: call.pdl1Group == .insufficient,
            groupText: Text(GroupStyle.label(call.pdl1Group)),
            tpsText: Text(tps), benefitText: Text(benefit), rule: Text(call.rule), rationale: Text(call.rationale),
            hasSignals: !call.signals.isEmpty,
            signals: call.signals.map { signal in
                let metric = view.config?.signals.first { $0.id == signal.id }?.metric ?? ""
                return CallPart.Signal(
                    signal: Text(signal.id), state: Text(signal.state.rawValue),
                    stateText: Text(signal.state.rawValue.replacingOccurrences(of: "_", with: " ")),
                    description: Text(view.signalDescriptions[signal.id] ?? signal.id),
                    change: Text(signal.delta.map { ReportFormat.shownChange($0, metric: metric) } ?? ""))
            },
            hasExtra: call.stainDriftDegrees != nil || call.outcome != nil,
            drift: Text(call.stainDriftDegrees.map { ReportFormat.number($0, decimals: ReportFormat.angleDecimals) } ?? ""),
            outcome: Text(call.outcome.map { $0 == 1 ? "responder (1)" : "non-responder (\($0))" } ?? ""),
            missingSlides: Text(missing.joined(separator: ", ")))
    }

    /// Pre, post, delta and 95% CI for every marker and score: change rows are the patient's
    /// ChangeRecords; a score with no pair shows the slide it has and `NA` for the rest.
    private func scoreRows(_ patient: String) -> [ScoreRow] {
        let changes = view.changes[patient] ?? []
        let slides = view.slides[patient] ?? []
        var rows: [ScoreRow] = []
        for marker in scoredMarkers(patient) {
            let metrics = view.metrics(of: marker).filter { metric in
                changes.contains { $0.marker == marker && $0.metric == metric }
                    || slides.contains { $0.marker == marker && $0.scores.contains { $0.name == metric } }
            }
            for (i, metric) in metrics.enumerated() {
                let main = view.mainMetric[marker] == metric
                let change = changes.first { $0.marker == marker && $0.metric == metric }
                let values: [String] = if let change {
                    [ReportFormat.shown(change.pre, metric: metric), ReportFormat.shown(change.post, metric: metric),
                     ReportFormat.shownChange(change.delta, metric: metric), ReportFormat.shownChange(change.ciLow, metric: metric),
                     ReportFormat.shownChange(change.ciHigh, metric: metric)]
                } else {
                    [ReportFormat.shown(view.slideScore(patient, marker, .pre, metric), metric: metric),
                     ReportFormat.shown(view.slideScore(patient, marker, .post, metric), metric: metric),
                     ReportFormat.missing, ReportFormat.missing, ReportFormat.missing]
                }
                rows.append(ScoreRow(
                    rowClass: Text((change == nil ? "unpaired" : "change") + (main ? " main-metric" : "")),
                    marker: Text(marker), metric: Text(metric), firstOfMarker: i == 0, rowspan: "\(metrics.count)",
                    markerName: Text(MetricInfo.markerName(marker)), metricName: Text(MetricInfo.metricName(metric)),
                    pre: Text(values[0]), post: Text(values[1]), delta: Text(values[2]), ciLow: Text(values[3]),
                    ciHigh: Text(values[4])))
            }
        }
        return rows
    }

    /// Markers of the patient's changes and slides, in panel order.
    private func scoredMarkers(_ patient: String) -> [String] {
        MetricInfo.sortMarkers((view.changes[patient] ?? []).map(\.marker) + (view.slides[patient] ?? []).map(\.marker))
    }

    private func slideRows(_ patient: String) -> [SlideRow] {
        let slides = (view.slides[patient] ?? []).sorted { a, b in
            a.marker != b.marker ? MetricInfo.sortMarkers([a.marker, b.marker]).first == a.marker
                : a.timepoint != b.timepoint ? a.timepoint < b.timepoint : NaturalOrder.less(a.slide, b.slide)
        }
        return slides.map { slide in
            SlideRow(
                marker: Text(slide.marker), markerName: Text(MetricInfo.markerName(slide.marker)),
                timepoint: Text(slide.timepoint.rawValue), slide: Text(slide.slide),
                tiles: Text(ReportFormat.integer(slide.tileCount)), failed: Text(ReportFormat.integer(slide.failedTiles)),
                anyFailed: slide.failedTiles > 0,
                tumourCells: Text(ReportFormat.integer(slide.totals.tumour.total)),
                positive: Text(ReportFormat.integer(slide.totals.tumour.positive)),
                lymphocytes: Text(ReportFormat.integer(slide.totals.lymphocytes.total)),
                tissuePixels: Text(ReportFormat.integer(slide.totals.tissuePixels)),
                stains: Text(slide.stainsSource),
                drift: Text(ReportFormat.number(slide.stainDriftDegrees, decimals: ReportFormat.angleDecimals)),
                odFactor: Text(ReportFormat.number(slide.odScale, decimals: 2)),
                flags: slide.qcFlags.map { Text($0) })
        }
    }

    /// Every QC flag of the patient, where it was raised, and what it means.
    private func quality(_ patient: String) -> [QCLine] {
        var lines: [(flag: String, where: String)] = []
        for flag in view.calls[patient]?.flags ?? [] { lines.append((flag, "patient")) }
        for slide in view.slides[patient] ?? [] {
            for flag in slide.qcFlags {
                lines.append((flag, "\(MetricInfo.markerName(slide.marker)) \(slide.timepoint.rawValue) slide \(slide.slide)"))
            }
        }
        let tiles = view.tiles[patient] ?? []
        let keys = Set(tiles.map { SlideKey(marker: $0.marker, timepoint: $0.timepoint) })
        for key in keys.sorted() {
            let group = tiles.filter { $0.marker == key.marker && $0.timepoint == key.timepoint }
            let flags = Set(group.flatMap { $0.score.qcFlags }).sorted()
            for flag in flags {
                let n = group.filter { $0.score.qcFlags.contains(flag) }.count
                lines.append((flag.rawValue, "\(n) of \(group.count) \(MetricInfo.markerName(key.marker)) \(key.timepoint.rawValue) tiles"))
            }
        }
        return lines.map { QCLine(flag: Text($0.flag), place: Text($0.where), meaning: Text(MetricInfo.flagMeaning($0.flag) ?? "")) }
    }

    private func thumbnails(_ patient: String) -> ThumbnailsPart? {
        guard view.options.includeThumbnails, let folder = view.options.overlaysDirectory else { return nil }
        let slides = view.slides[patient] ?? []
        var found: [Thumbnail] = []
        for marker in MetricInfo.sortMarkers(slides.map(\.marker)) {
            for timepoint in Timepoint.allCases {
                // The runner records each slide's overlay as `overlays/<name>`; older runs only
                // follow the naming rule.
                let recorded = slides.first { $0.marker == marker && $0.timepoint == timepoint && $0.overlay != nil }?.overlay
                let name = recorded.map { URL(fileURLWithPath: $0).lastPathComponent }
                    ?? ReportWriter.overlayFileName(patient: patient, marker: marker, timepoint: timepoint)
                if let t = Thumbnail.load(folder: folder, fileName: name, marker: marker, timepoint: timepoint,
                                          maxBytes: view.options.maxThumbnailBytes) {
                    found.append(t)
                }
            }
        }
        return ThumbnailsPart(
            folder: Text(ReportWriter.overlaysFolderName), hasImages: !found.isEmpty,
            images: found.map { t in
                let caption = "\(MetricInfo.markerName(t.marker)), \(t.timepoint == .pre ? "before" : "after") radiotherapy"
                return ThumbnailsPart.Image(t, caption: caption, alt: "\(caption): representative tile of \(patient) with scoring overlay")
            })
    }
}

/// Marker and timepoint of a slide, ordered marker-panel first.
struct SlideKey: Hashable, Comparable {
    let marker: String
    let timepoint: Timepoint

    static func < (a: SlideKey, b: SlideKey) -> Bool {
        if a.marker != b.marker { return MetricInfo.sortMarkers([a.marker, b.marker]).first == a.marker }
        return a.timepoint < b.timepoint
    }
}
