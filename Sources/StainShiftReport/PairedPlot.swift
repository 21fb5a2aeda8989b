import StainShiftClassify
import StainShiftCohort
import StainShiftFoundation

/// Pre vs post of one marker's main score: one line per patient (`<line class="pair">`),
/// coloured by the patient's PD-L1 group, with the cohort median drawn dashed.
struct PairedPlot {
    struct Pair {
        let patient: String
        let pre: Double
        let post: Double
        let group: PDL1Group?
    }

    let marker: String
    let metric: String
    let pairs: [Pair]

    init(_ view: CohortView, marker: String, metric: String) {
        self.marker = marker
        self.metric = metric
        pairs = view.patients.compactMap { patient -> Pair? in
            guard let c = view.change(patient, marker, metric), c.pre.isFinite, c.post.isFinite else { return nil }
            return Pair(patient: patient, pre: c.pre, post: c.post, group: view.group(patient))
        }
    }

    func svg() -> String {
        let width = 420.0, height = 300.0
        let left = 56.0, right = 120.0, top = 16.0, bottom = 40.0
        let values = pairs.flatMap { [$0.pre, $0.post] }
        // Percentages keep their whole 0-100 scale (how TPS is read); other scores start at 0
        // and end at a nice number above the largest value, so small changes stay visible.
        let domain: ClosedRange<Double>
        if MetricInfo.range(metric) == 0...100, values.allSatisfy((0...100).contains) {
            domain = 0...100
        } else {
            domain = PlotScale.niceDomain(min(0, values.min() ?? 0), max(values.max() ?? 1, 1e-9), count: 5)
        }
        let y = PlotScale(domain: domain, range: top...(height - bottom), inverted: true)
        let xPre = left + 50, xPost = width - right - 40
        let f = SVGNumber.format
        let title = "\(MetricInfo.markerName(marker)) \(MetricInfo.metricName(metric)), before and after radiotherapy"

        var w = HTMLWriter()
        w.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(Int(width)) \(Int(height))",
                       "class": "plot paired", "data-marker": marker, "data-metric": metric, "role": "img",
                       "aria-label": title])
        w.element("title", [:], title)
        let ticks = y.ticks(5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            w.shape("line", ["class": "grid", "x1": f(left), "x2": f(width - right), "y1": f(y(tick)), "y2": f(y(tick)),
                             "stroke": "#E3E7EB", "stroke-width": "1"])
            w.element("text", ["x": f(left - 6), "y": f(y(tick) + 4), "text-anchor": "end", "font-size": "11",
                               "fill": "#4A5561"], SVGNumber.tick(tick, step: step))
        }
        w.shape("line", ["class": "axis", "x1": f(left), "x2": f(left), "y1": f(top), "y2": f(height - bottom),
                         "stroke": "#1D2733", "stroke-width": "1"])
        for (x, label) in [(xPre, "Pre-RT"), (xPost, "Post-RT")] {
            w.element("text", ["x": f(x), "y": f(height - bottom + 18), "text-anchor": "middle", "font-size": "12",
                               "font-weight": "600", "fill": "#1D2733"], label)
        }
        let mid = (top + height - bottom) / 2
        w.element("text", ["x": "14", "y": f(mid), "text-anchor": "middle", "font-size": "12", "fill": "#1D2733",
                           "transform": "rotate(-90 14 \(f(mid)))"], MetricInfo.metricName(metric))
        for pair in pairs {
            let colour = GroupStyle.colour(pair.group)
            let tip = "\(pair.patient): \(ReportFormat.shown(pair.pre, metric: metric)) to \(ReportFormat.shown(pair.post, metric: metric)) (\(GroupStyle.label(pair.group)))"
            w.wrap("line", ["class": "pair", "data-patient": pair.patient, "x1": f(xPre), "x2": f(xPost),
                            "y1": f(y(pair.pre)), "y2": f(y(pair.post)), "stroke": colour, "stroke-width": "1.8",
                            "stroke-opacity": "0.85"]) { $0.element("title", [:], tip) }
            for (x, v) in [(xPre, pair.pre), (xPost, pair.post)] {
                w.shape("circle", ["class": "point", "cx": f(x), "cy": f(y(v)), "r": "3", "fill": colour])
            }
        }
        if pairs.count >= 2 {
            let medianPre = Self.median(pairs.map(\.pre)), medianPost = Self.median(pairs.map(\.post))
            w.wrap("line", ["class": "median", "x1": f(xPre), "x2": f(xPost), "y1": f(y(medianPre)),
                            "y2": f(y(medianPost)), "stroke": "#1D2733", "stroke-width": "2.5",
                            "stroke-dasharray": "6 4"]) {
                $0.element("title", [:], "Cohort median: \(ReportFormat.shown(medianPre, metric: metric)) to \(ReportFormat.shown(medianPost, metric: metric))")
            }
        }
        if pairs.count <= 12 { labels(&w, y: y, x: xPost + 8) }
        if pairs.isEmpty {
            w.element("text", ["x": f((left + width - right) / 2), "y": f(mid), "text-anchor": "middle",
                               "font-size": "12", "fill": "#4A5561"], "No paired slides")
        }
        w.close("svg")
        return w.text
    }

    /// Patient names beside the post points. Labels that would overlap are stacked `gap` apart
    /// and the stack is centred on the mean of their points, so each name stays near its line.
    private func labels(_ w: inout HTMLWriter, y: PlotScale, x: Double) {
        let gap = 12.0
        let wanted = pairs.map { (patient: $0.patient, y: y($0.post) + 4, colour: GroupStyle.colour($0.group)) }
            .sorted { $0.y != $1.y ? $0.y < $1.y : NaturalOrder.less($0.patient, $1.patient) }
        var blocks: [(members: [Int], top: Double)] = []
        for i in wanted.indices {
            blocks.append(([i], wanted[i].y))
            while blocks.count >= 2 {
                let b = blocks[blocks.count - 1], a = blocks[blocks.count - 2]
                guard b.top < a.top + Double(a.members.count) * gap else { break }
                let members = a.members + b.members
                let mean = members.map { wanted[$0].y }.reduce(0, +) / Double(members.count)
                blocks.removeLast(2)
                blocks.append((members, mean - Double(members.count - 1) * gap / 2))
            }
        }
        for block in blocks {
            for (k, i) in block.members.enumerated() {
                w.element("text", ["class": "pair-label", "x": SVGNumber.format(x),
                                   "y": SVGNumber.format(block.top + Double(k) * gap),
                                   "font-size": "11", "fill": wanted[i].colour], wanted[i].patient)
            }
        }
    }

    static func median(_ values: [Double]) -> Double { Quantiles.median(sorted: values.sorted()) }
}
