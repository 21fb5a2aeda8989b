import StainShiftClassify
import StainShiftCohort

/// The waterfall plot of PD-L1 TPS change: one bar per patient (post - pre, percentage points),
/// sorted from the largest increase to the largest decrease, coloured by PD-L1 group, with the
/// 95% bootstrap interval as whiskers and the no-change band shaded.
/// Bars are `<rect class="bar">`, whiskers `<line class="whisker">`.
struct WaterfallPlot {
    struct Bar {
        let patient: String
        let delta: Double
        let ciLow: Double
        let ciHigh: Double
        let group: PDL1Group?
    }

    let bars: [Bar]
    let band: Double

    init(_ view: CohortView) {
        bars = view.patients.compactMap { patient -> Bar? in
            guard let change = view.tpsChange(patient), change.delta.isFinite else { return nil }
            return Bar(patient: patient, delta: change.delta, ciLow: change.ciLow, ciHigh: change.ciHigh,
                       group: view.group(patient))
        }.sorted { a, b in a.delta != b.delta ? a.delta > b.delta : NaturalOrder.less(a.patient, b.patient) }
        band = view.tpsBand
    }

    func svg() -> String {
        let width = 960.0, height = 400.0
        let labelled = bars.count <= 60
        let left = 64.0, right = 78.0, top = 30.0, bottom = labelled ? 86.0 : 24.0
        var lo = min(0, -band), hi = max(0, band)
        for bar in bars {
            lo = min(lo, bar.delta); hi = max(hi, bar.delta)
            if bar.ciLow.isFinite, bar.ciHigh.isFinite { lo = min(lo, bar.ciLow); hi = max(hi, bar.ciHigh) }
        }
        let y = PlotScale(domain: PlotScale.niceDomain(lo, hi), range: top...(height - bottom), inverted: true)
        let plotLeft = left, plotRight = width - right
        let slot = bars.isEmpty ? 0 : (plotRight - plotLeft) / Double(bars.count)
        let f = SVGNumber.format

        var w = HTMLWriter()
        w.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(Int(width)) \(Int(height))",
                       "class": "plot waterfall", "role": "img",
                       "aria-label": "Waterfall plot of the change in PD-L1 TPS per patient"])
        w.element("title", [:], "Change in PD-L1 TPS per patient (post - pre, percentage points)")
        // Grid and axis.
        let ticks = y.ticks()
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            w.shape("line", ["class": "grid", "x1": f(plotLeft), "x2": f(plotRight), "y1": f(y(tick)), "y2": f(y(tick)),
                             "stroke": "#E3E7EB", "stroke-width": "1"])
            w.element("text", ["x": f(plotLeft - 6), "y": f(y(tick) + 4), "text-anchor": "end", "font-size": "11",
                               "fill": "#4A5561"], SVGNumber.tick(tick, step: step))
        }
        // No-change band.
        if band > 0 {
            w.shape("rect", ["class": "band", "x": f(plotLeft), "y": f(y(band)), "width": f(plotRight - plotLeft),
                             "height": f(y(-band) - y(band)), "fill": "#9AA5B1", "fill-opacity": "0.18"])
            for edge in [band, -band] {
                w.shape("line", ["class": "band-edge", "x1": f(plotLeft), "x2": f(plotRight), "y1": f(y(edge)),
                                 "y2": f(y(edge)), "stroke": "#6B7785", "stroke-width": "1", "stroke-dasharray": "5 4"])
            }
            w.element("text", ["x": f(plotRight + 6), "y": f(y(band) + 4), "font-size": "11",
                               "fill": "#4A5561"], "+\(SVGNumber.tick(band, step: step)) points")
            w.element("text", ["x": f(plotRight + 6), "y": f(y(-band) + 4), "font-size": "11",
                               "fill": "#4A5561"], "\u{2212}\(SVGNumber.tick(band, step: step)) points")
        }
        // Bars and whiskers.
        let barWidth = max(1, min(slot * 0.72, 56))
        for (i, bar) in bars.enumerated() {
            let cx = plotLeft + slot * (Double(i) + 0.5)
            let y0 = y(0), y1 = y(bar.delta)
            let tip = "\(bar.patient): change in TPS \(ReportFormat.shownChange(bar.delta, metric: "tps")) points, 95% CI "
                + "\(ReportFormat.shownChange(bar.ciLow, metric: "tps")) to \(ReportFormat.shownChange(bar.ciHigh, metric: "tps")), "
                + GroupStyle.label(bar.group)
            w.wrap("rect", ["class": "bar", "data-patient": bar.patient, "x": f(cx - barWidth / 2),
                            "y": f(min(y0, y1)), "width": f(barWidth), "height": f(max(abs(y1 - y0), 1.5)),
                            "fill": GroupStyle.colour(bar.group)]) { $0.element("title", [:], tip) }
            if bar.ciLow.isFinite, bar.ciHigh.isFinite {
                let cap = min(barWidth * 0.5, 10) / 2
                w.shape("line", ["class": "whisker", "x1": f(cx), "x2": f(cx), "y1": f(y(bar.ciLow)), "y2": f(y(bar.ciHigh)),
                                 "stroke": "#1D2733", "stroke-width": "1.2"])
                for end in [bar.ciLow, bar.ciHigh] {
                    w.shape("line", ["class": "whisker-cap", "x1": f(cx - cap), "x2": f(cx + cap), "y1": f(y(end)),
                                     "y2": f(y(end)), "stroke": "#1D2733", "stroke-width": "1.2"])
                }
            }
            if labelled {
                let ly = height - bottom + 12
                w.element("text", ["x": f(cx), "y": f(ly), "text-anchor": "end", "font-size": bars.count > 30 ? "9" : "11",
                                   "fill": "#1D2733", "transform": "rotate(-45 \(f(cx)) \(f(ly)))"], bar.patient)
            }
        }
        // Zero line and y axis.
        w.shape("line", ["class": "zero", "x1": f(plotLeft), "x2": f(plotRight), "y1": f(y(0)), "y2": f(y(0)),
                         "stroke": "#1D2733", "stroke-width": "1.2"])
        w.shape("line", ["class": "axis", "x1": f(plotLeft), "x2": f(plotLeft), "y1": f(top), "y2": f(height - bottom),
                         "stroke": "#1D2733", "stroke-width": "1"])
        let mid = (top + height - bottom) / 2
        w.element("text", ["x": "16", "y": f(mid), "text-anchor": "middle", "font-size": "12", "fill": "#1D2733",
                           "transform": "rotate(-90 16 \(f(mid)))"], "Change in TPS (points, post \u{2212} pre)")
        legend(&w, x: plotLeft + 8, y: 14)
        if bars.isEmpty {
            w.element("text", ["x": f((plotLeft + plotRight) / 2), "y": f(mid), "text-anchor": "middle",
                               "font-size": "14", "fill": "#4A5561"], "No patient has a paired PD-L1 TPS")
        }
        w.close("svg")
        return w.text
    }

    /// Swatches for the groups present, left to right.
    private func legend(_ w: inout HTMLWriter, x: Double, y: Double) {
        var cx = x
        let present: [PDL1Group?] = (PDL1Group.allCases.map { Optional($0) } + [nil]).filter { g in
            bars.contains { $0.group == g }
        }
        for group in present {
            w.shape("rect", ["class": "legend-swatch", "x": SVGNumber.format(cx), "y": SVGNumber.format(y - 9),
                             "width": "12", "height": "12", "fill": GroupStyle.colour(group)])
            let label = GroupStyle.label(group)
            w.element("text", ["x": SVGNumber.format(cx + 16), "y": SVGNumber.format(y + 1), "font-size": "12",
                               "fill": "#1D2733"], label)
            cx += 28 + Double(label.count) * 7
        }
    }
}
