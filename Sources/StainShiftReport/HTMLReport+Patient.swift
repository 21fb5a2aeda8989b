import Foundation
import StainShiftClassify
import StainShiftCohort

/// One patient's section: calls with their rule and rationale, the score table, slides, QC and
/// representative tiles.
extension HTMLReport {
    func patient(_ patient: String, _ w: inout HTMLWriter) {
        let call = view.calls[patient]
        w.wrap("section", ["class": "patient", "id": anchor(patient), "data-patient": patient]) { w in
            w.wrap("h2") { w in
                w.write("Patient \(patient)")
                groupBadge(&w, call?.pdl1Group)
                if let call { benefitBadge(&w, call.benefit) }
            }
            calls(call, patient: patient, &w)
            scoreTable(patient, &w)
            slideTable(patient, &w)
            quality(patient, &w)
            thumbnails(patient, &w)
            slideMaps(patient, &w)
        }
        w.newline()
    }

    private func calls(_ call: PatientCall?, patient: String, _ w: inout HTMLWriter) {
        guard let call else {
            w.wrap("div", ["class": "callout warn"]) { w in
                w.element("p", [:], "No PD-L1 group or benefit call was made for this patient.")
            }
            return
        }
        let style = call.pdl1Group == .insufficient ? "callout warn" : "callout"
        w.wrap("div", ["class": style + " call"]) { w in
            w.wrap("div", ["class": "call-line"]) { w in
                w.wrap("span") { w in
                    w.element("strong", [:], "PD-L1 group: ")
                    w.write(GroupStyle.label(call.pdl1Group))
                }
                w.wrap("span") { w in
                    w.element("strong", [:], "TPS: ")
                    w.write("\(ReportFormat.shown(view.tps(patient, .pre), metric: "tps")) \u{2192} \(ReportFormat.shown(view.tps(patient, .post), metric: "tps"))")
                    if call.tpsCategoryPre != nil || call.tpsCategoryPost != nil { w.write(" (\(categories(call)))") }
                }
                w.wrap("span") { w in
                    w.element("strong", [:], "Benefit: ")
                    w.write(call.benefit.rawValue)
                    if let p = call.probability { w.write(" (model probability \(ReportFormat.number(p, decimals: 2)))") }
                }
                w.wrap("span") { w in
                    w.element("strong", [:], "Rule: ")
                    w.element("code", ["class": "rule"], call.rule)
                }
            }
            w.element("p", ["class": "rationale"], call.rationale)
            if !call.signals.isEmpty {
                w.wrap("p", ["class": "signals"]) { w in
                    w.element("strong", [:], "Immunogenic signals: ")
                    for signal in call.signals {
                        w.wrap("span", ["class": "signal s-\(signal.state.rawValue)",
                                        "title": view.signalDescriptions[signal.id] ?? signal.id]) { w in
                            w.element("code", [:], signal.id)
                            w.write(" \(signal.state.rawValue.replacingOccurrences(of: "_", with: " "))")
                            if let delta = signal.delta {
                                let metric = view.config?.signals.first { $0.id == signal.id }?.metric ?? ""
                                w.write(" (\u{0394} \(ReportFormat.shownChange(delta, metric: metric)))")
                            }
                        }
                    }
                }
            }
            if call.stainDriftDegrees != nil || call.outcome != nil {
                w.wrap("p", ["class": "call-extra"]) { w in
                    if let drift = call.stainDriftDegrees {
                        w.element("strong", [:], "Stain drift: ")
                        w.write("\(ReportFormat.number(drift, decimals: ReportFormat.angleDecimals))\u{00B0} between pre and post stain vectors. ")
                    }
                    if let outcome = call.outcome {
                        w.element("strong", [:], "Known outcome: ")
                        w.write(outcome == 1 ? "responder (1)" : "non-responder (\(outcome))")
                    }
                }
            }
            if call.pdl1Group == .insufficient {
                let missing = missingSlides(patient)
                if !missing.isEmpty {
                    w.element("p", [:], "Missing slides: " + missing.joined(separator: ", ") + ".")
                }
            }
        }
    }

    /// Pre, post, delta and 95% CI for every marker and score: change rows are the patient's
    /// ChangeRecords; a score with no pair shows the slide it has and `NA` for the rest.
    private func scoreTable(_ patient: String, _ w: inout HTMLWriter) {
        let changes = view.changes[patient] ?? []
        let slides = view.slides[patient] ?? []
        let markers = MetricInfo.sortMarkers(changes.map(\.marker) + slides.map(\.marker))
        w.element("h3", [:], "Scores before and after radiotherapy")
        guard !markers.isEmpty else {
            w.element("p", ["class": "muted"], "No slide of this patient was scored.")
            return
        }
        w.wrap("table", ["class": "scores"]) { w in
            w.tableHead([
                .text("Marker"),
                .text("Score"),
                .num("Pre"),
                .num("Post"),
                .num("\u{0394} (post \u{2212} pre)"),
                .num("95% CI low"),
                .num("95% CI high"),
            ])
            w.wrap("tbody") { w in
                for marker in markers {
                    let metrics = view.metrics(of: marker).filter { metric in
                        changes.contains { $0.marker == marker && $0.metric == metric }
                            || slides.contains { $0.marker == marker && $0.scores.contains { $0.name == metric } }
                    }
                    for (i, metric) in metrics.enumerated() {
                        let main = view.mainMetric[marker] == metric
                        let change = changes.first { $0.marker == marker && $0.metric == metric }
                        w.open("tr", ["class": (change == nil ? "unpaired" : "change") + (main ? " main-metric" : ""),
                                      "data-marker": marker, "data-metric": metric])
                        if i == 0 {
                            w.element("td", ["class": "marker", "rowspan": "\(metrics.count)"], MetricInfo.markerName(marker))
                        }
                        w.element("td", ["title": metric], MetricInfo.metricName(metric))
                        if let change {
                            w.element("td", ["class": "num pre"], ReportFormat.shown(change.pre, metric: metric))
                            w.element("td", ["class": "num post"], ReportFormat.shown(change.post, metric: metric))
                            w.element("td", ["class": "num delta"], ReportFormat.shownChange(change.delta, metric: metric))
                            w.element("td", ["class": "num ci-low"], ReportFormat.shownChange(change.ciLow, metric: metric))
                            w.element("td", ["class": "num ci-high"], ReportFormat.shownChange(change.ciHigh, metric: metric))
                        } else {
                            let pre = view.slideScore(patient, marker, .pre, metric)
                            let post = view.slideScore(patient, marker, .post, metric)
                            w.element("td", ["class": "num pre"], ReportFormat.shown(pre, metric: metric))
                            w.element("td", ["class": "num post"], ReportFormat.shown(post, metric: metric))
                            w.element("td", ["class": "num delta"], ReportFormat.missing)
                            w.element("td", ["class": "num ci-low"], ReportFormat.missing)
                            w.element("td", ["class": "num ci-high"], ReportFormat.missing)
                        }
                        w.close("tr")
                    }
                }
            }
        }
    }

    private func slideTable(_ patient: String, _ w: inout HTMLWriter) {
        let slides = (view.slides[patient] ?? []).sorted { a, b in
            a.marker != b.marker ? MetricInfo.sortMarkers([a.marker, b.marker]).first == a.marker
                : a.timepoint != b.timepoint ? a.timepoint < b.timepoint : NaturalOrder.less(a.slide, b.slide)
        }
        guard !slides.isEmpty else { return }
        w.element("h3", [:], "Slides")
        w.wrap("table", ["class": "slides"]) { w in
            w.tableHead([
                .text("Marker"),
                .text("Time"),
                .text("Slide"),
                .num("Tiles"),
                .num("Failed"),
                .num("Tumour cells"),
                .num("Positive"),
                .num("Lymphocytes"),
                .num("Tissue px"),
                .text("Stains"),
                .num("Drift (\u{00B0})"),
                .num("OD factor"),
                .text("QC flags"),
            ])
            w.wrap("tbody") { w in
                for slide in slides {
                    w.wrap("tr", ["data-marker": slide.marker, "data-timepoint": slide.timepoint.rawValue]) { w in
                        w.element("td", ["class": "nowrap"], MetricInfo.markerName(slide.marker))
                        w.element("td", [:], slide.timepoint.rawValue)
                        w.wrap("td") { $0.element("code", [:], slide.slide) }
                        w.element("td", ["class": "num"], ReportFormat.integer(slide.tileCount))
                        w.element("td", ["class": slide.failedTiles > 0 ? "num alert" : "num"], ReportFormat.integer(slide.failedTiles))
                        w.element("td", ["class": "num"], ReportFormat.integer(slide.totals.tumour.total))
                        w.element("td", ["class": "num"], ReportFormat.integer(slide.totals.tumour.positive))
                        w.element("td", ["class": "num"], ReportFormat.integer(slide.totals.lymphocytes.total))
                        w.element("td", ["class": "num"], ReportFormat.integer(slide.totals.tissuePixels))
                        w.element("td", ["class": "nowrap"], slide.stainsSource)
                        w.element("td", ["class": "num"], ReportFormat.number(slide.stainDriftDegrees, decimals: ReportFormat.angleDecimals))
                        w.element("td", ["class": "num"], ReportFormat.number(slide.odScale, decimals: 2))
                        w.wrap("td") { w in
                            if slide.qcFlags.isEmpty { w.element("span", ["class": "muted"], "none") }
                            for flag in slide.qcFlags { w.element("span", ["class": "flag"], flag) }
                        }
                    }
                }
            }
        }
    }

    /// Every QC flag of the patient, where it was raised, and what it means.
    private func quality(_ patient: String, _ w: inout HTMLWriter) {
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
        w.element("h3", [:], "Quality control")
        if lines.isEmpty {
            w.element("p", ["class": "muted qc-none"], "No QC flags were raised for this patient.")
            return
        }
        w.wrap("ul", ["class": "qc"]) { w in
            for line in lines {
                w.wrap("li") { w in
                    w.element("span", ["class": "flag"], line.flag)
                    w.write(" " + line.where)
                    if let meaning = MetricInfo.flagMeaning(line.flag) { w.element("span", ["class": "muted"], ": " + meaning) }
                }
            }
        }
    }

    private func thumbnails(_ patient: String, _ w: inout HTMLWriter) {
        guard view.options.includeThumbnails, let folder = view.options.overlaysDirectory else { return }
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
        w.element("h3", [:], "Representative tiles")
        guard !found.isEmpty else {
            w.element("p", ["class": "muted"], "No overlay images for this patient in \(ReportWriter.overlaysFolderName)/.")
            return
        }
        w.wrap("div", ["class": "thumbs"]) { w in
            for t in found {
                w.wrap("figure", ["class": "thumb", "data-marker": t.marker, "data-timepoint": t.timepoint.rawValue]) { w in
                    let caption = "\(MetricInfo.markerName(t.marker)), \(t.timepoint == .pre ? "before" : "after") radiotherapy"
                    if let uri = t.dataURI {
                        w.element("img", ["src": uri, "alt": "\(caption): representative tile of \(patient) with scoring overlay"])
                    } else {
                        w.element("p", ["class": "muted"], "\(t.fileName) not embedded: \(t.problem ?? "unreadable")")
                    }
                    w.element("figcaption", [:], caption)
                }
            }
        }
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
