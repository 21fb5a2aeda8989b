import StainShiftClassify
import StainShiftCohort

/// report.html: cohort summary, waterfall and paired plots, failures, one section per patient,
/// methods and provenance. Numbers use `ReportFormat`, exactly as in the TSV tables.
///
/// Swift builds the page's values (`ReportPage`: formatted text and SVG plots); the Mustache
/// templates of `ReportOptions.templates` lay them out.
struct HTMLReport {
    let view: CohortView
    private let anchors: [String: String]

    init(_ view: CohortView) {
        self.view = view
        anchors = Dictionary(view.patients.enumerated().map { ($1, "patient-\($0 + 1)") }, uniquingKeysWith: { a, _ in a })
    }

    var result: CohortResult { view.result }

    /// Anchor of a patient's section: by position, because patient ids are free text.
    func anchor(_ patient: String) -> String { anchors[patient] ?? "patients" }

    func render() -> String { view.options.templates.render(page()) }

    func page() -> ReportPage {
        let p = result.provenance
        return ReportPage(
            title: Text(view.options.title), version: Text(p.version), date: Text(p.date), manifest: Text(p.manifest),
            researchUseOnly: Text(ReportWriter.researchUseOnly), failureCount: "\(result.failures.count)",
            hasPatients: !view.patients.isEmpty, patients: view.patients.map(patient),
            summary: summary(), waterfall: waterfall(), paired: paired(), failures: failures(), methods: methods())
    }

    // MARK: - Summary

    private func summary() -> SummaryPart {
        func card(_ label: Text, _ value: String, _ detail: String?, alert: Bool = false) -> SummaryPart.Card {
            SummaryPart.Card(label: label, value: Text(value), hasDetail: detail != nil, detail: Text(detail ?? ""), alert: alert)
        }
        let paired = view.patients.filter { view.tpsChange($0) != nil }.count
        return SummaryPart(
            cards: [
                card("Patients", "\(view.patients.count)", nil),
                card("Markers", "\(view.markers.count)", view.markers.map(MetricInfo.markerName).joined(separator: ", ")),
                card("Tiles scored", "\(result.tiles.count)", "\(result.slides.count) slides"),
                card("Failures", "\(result.failures.count)", result.failures.isEmpty ? "all inputs used" : "inputs not used",
                     alert: !result.failures.isEmpty),
                card("PD-L1 pairs", "\(paired)", "patients with pre and post TPS"),
            ],
            groups: view.groupCounts().map { group, count in
                SummaryPart.GroupRow(group: Text(group.rawValue), colour: Text(GroupStyle.colour(group)),
                                     label: Text(GroupStyle.label(group)), count: "\(count)")
            },
            benefits: view.benefitCounts().map { SummaryPart.BenefitRow(benefit: Text($0.0.rawValue), count: "\($0.1)") })
    }

    func categories(_ call: PatientCall?) -> String {
        guard let call, call.tpsCategoryPre != nil || call.tpsCategoryPost != nil else { return ReportFormat.missing }
        return "\(call.tpsCategoryPre ?? ReportFormat.missing) \u{2192} \(call.tpsCategoryPost ?? ReportFormat.missing)"
    }

    func groupBadge(_ group: PDL1Group?) -> Badge {
        Badge(badgeClass: Text(GroupStyle.cssClass(group)), badgeLabel: Text(GroupStyle.label(group)))
    }

    func benefitBadge(_ benefit: Benefit) -> Badge {
        Badge(badgeClass: "benefit b-\(benefit.rawValue)", badgeLabel: "benefit: \(benefit.rawValue)")
    }

    /// Distinct flags of a patient: patient-level flags, then slide flags, then tile flags.
    func patientFlags(_ patient: String) -> [String] {
        var flags: [String] = []
        func add(_ flag: String) { if !flags.contains(flag) { flags.append(flag) } }
        view.calls[patient]?.flags.forEach(add)
        view.slides[patient]?.forEach { $0.qcFlags.forEach(add) }
        view.tiles[patient]?.forEach { $0.score.qcFlags.forEach { add($0.rawValue) } }
        return flags
    }

    // MARK: - Plots

    private func waterfall() -> WaterfallPart {
        let plot = WaterfallPlot(view)
        let plotted = Set(plot.bars.map(\.patient))
        let missing = view.patients.filter { !plotted.contains($0) }
        return WaterfallPart(
            svg: Markup(renderText: plot.svg()),
            band: Text(SVGNumber.tick(plot.band, step: plot.band == plot.band.rounded() ? 1 : 0.01)),
            hasNotPlotted: !missing.isEmpty,
            notPlotted: missing.enumerated().map { i, patient in
                WaterfallPart.Unplotted(separator: Text(i > 0 ? ", " : ""), id: Text(patient), anchor: Text(anchor(patient)),
                                        groupLabel: Text(GroupStyle.label(view.group(patient))))
            })
    }

    private func paired() -> PairedPart {
        PairedPart(
            legend: PDL1Group.allCases.map { Swatch(colour: Text(GroupStyle.colour($0)), label: Text(GroupStyle.label($0))) },
            plots: view.markers.compactMap { marker in
                guard let metric = view.mainMetric[marker] else { return nil }
                let plot = PairedPlot(view, marker: marker, metric: metric)
                return PairedPart.Plot(
                    marker: Text(marker),
                    caption: "\(MetricInfo.markerName(marker)) \u{00B7} \(MetricInfo.metricName(metric)) (n = \(plot.pairs.count))",
                    svg: Markup(renderText: plot.svg()))
            })
    }

    // MARK: - Failures

    private func failures() -> FailuresPart {
        let n = result.failures.count
        let insufficient = view.patients.filter { view.group($0) == .insufficient || view.calls[$0] == nil }
        let m = insufficient.count
        return FailuresPart(
            failureText: Text("\(n) input\(n == 1 ? "" : "s") could not be used. "
                + "Slide scores rest on the remaining tiles; a slide without tiles makes its patient insufficient."),
            hasRows: n > 0,
            rows: result.failures.map { failure in
                FailuresPart.Row(line: Text(failure.line.map(String.init) ?? ReportFormat.missing), slide: Text(failure.slide ?? ""),
                                 image: Text(failure.image), stage: Text(failure.stage), error: Text(failure.error))
            },
            insufficientText: "\(m) patient\(m == 1 ? " has" : "s have") no PD-L1 call (insufficient data or no call made):",
            hasInsufficient: m > 0,
            insufficient: insufficient.map { patient in
                let missing = missingSlides(patient)
                return FailuresPart.Insufficient(
                    id: Text(patient), anchor: Text(anchor(patient)), group: groupBadge(view.group(patient)),
                    missing: Text(missing.isEmpty ? "none" : missing.joined(separator: ", ")),
                    reason: Text(view.calls[patient]?.rationale ?? "no call was made for this patient"))
            })
    }

    /// `PD-L1 post`, ... for each marker of the run that lacks a slide at a timepoint.
    func missingSlides(_ patient: String) -> [String] {
        let slides = view.slides[patient] ?? []
        var missing: [String] = []
        for marker in view.markers {
            for timepoint in Timepoint.allCases
            where !slides.contains(where: { $0.marker == marker && $0.timepoint == timepoint && $0.tileCount > 0 }) {
                missing.append("\(MetricInfo.markerName(marker)) \(timepoint.rawValue)")
            }
        }
        return missing
    }
}
