import StainShiftCohort

/// Per-patient calls from slides and change scores: the PD-L1 group, clinical TPS categories,
/// immunogenic signals and the benefit rule that fired.
public struct PatientCaller: Sendable {
    public var config: ClassifierConfig

    public init(config: ClassifierConfig = ClassifierConfig()) { self.config = config }

    /// One call per patient in `patients` (sorted), including patients with no usable slide.
    public func calls(patients: [String], slides: [SlideRecord], changes: [ChangeRecord],
                      outcomes: [String: Int] = [:]) -> [PatientCall] {
        let slidesBy = Dictionary(grouping: slides, by: \.patient)
        let changesBy = Dictionary(grouping: changes, by: \.patient)
        return Set(patients).union(slidesBy.keys).sorted().map { p in
            var call = call(patient: p, slides: slidesBy[p] ?? [], changes: changesBy[p] ?? [])
            call.outcome = outcomes[p]
            return call
        }
    }

    /// Clinical TPS category: `<1%`, `1-49%`, `>=50%` with the default cut-offs.
    public func category(_ tps: Double) -> String {
        let cuts = config.pdl1.categoryCutoffs
        guard cuts.count == 2 else { return "" }
        if tps < cuts[0] { return "<\(Self.trim(cuts[0]))%" }
        if tps < cuts[1] { return "\(Self.trim(cuts[0]))-\(Self.trim(cuts[1] - 1))%" }
        return ">=\(Self.trim(cuts[1]))%"
    }

    static func trim(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    public func call(patient: String, slides: [SlideRecord], changes: [ChangeRecord]) -> PatientCall {
        let rule = config.pdl1
        let pdl1Slides = slides.filter { $0.marker == rule.marker }
        let pre = pdl1Slides.filter { $0.timepoint == .pre }, post = pdl1Slides.filter { $0.timepoint == .post }
        let tps = changes.first { $0.marker == rule.marker && $0.metric == rule.metric }
        var flags = Set<String>()
        var group: PDL1Group
        var reason: String
        let preCells = pre.reduce(0) { $0 + $1.totals.tumour.total }
        let postCells = post.reduce(0) { $0 + $1.totals.tumour.total }
        if pre.isEmpty || post.isEmpty {
            group = .insufficient
            reason = "no \(pre.isEmpty ? "pre" : "post")-RT \(rule.marker) slide"
            if pre.isEmpty && post.isEmpty { reason = "no \(rule.marker) slides" }
            flags.insert("missing_timepoint")
        } else if preCells < rule.minTumourCells || postCells < rule.minTumourCells {
            group = .insufficient
            reason = "too few scorable tumour cells (pre \(preCells), post \(postCells); need \(rule.minTumourCells))"
            flags.insert("few_tumour_cells")
        } else if let tps {
            let d = tps.delta
            if abs(d) >= rule.minDelta && tps.ciExcludesZero {
                group = d > 0 ? .increase : .decrease
                reason = "TPS \(Self.f1(tps.pre))% -> \(Self.f1(tps.post))% (delta \(Self.signed(d)) points, 95% CI \(Self.f1(tps.ciLow)) to \(Self.f1(tps.ciHigh)))"
            } else {
                group = .noChange
                let why = abs(d) < rule.minDelta ? "|delta| < \(Self.trim(rule.minDelta)) points" : "95% CI includes 0"
                reason = "TPS \(Self.f1(tps.pre))% -> \(Self.f1(tps.post))% (delta \(Self.signed(d)) points; \(why))"
            }
        } else {
            group = .insufficient
            reason = "no \(rule.metric) score for \(rule.marker)"
        }

        var drift: Double?
        for s in slides { if let d = s.stainDriftDegrees { drift = max(drift ?? 0, d) } }
        if let drift, drift > config.stainDriftDegrees { flags.insert("stain_drift") }
        if slides.contains(where: { $0.qcFlags.contains("od_scale_drift") }) { flags.insert("od_scale_drift") }

        let signals = config.signals.map { signalState($0, slides: slides, changes: changes) }
        let gains = signals.filter { $0.state == .gained }.count
        let measured = signals.filter { $0.state != .unmeasured }.count
        let tpsPost = group == .insufficient ? nil : tps?.post
        let fired = config.benefitRules.first { matches($0.when, group: group, gains: gains, measured: measured, tpsPost: tpsPost) }
        let gained = zip(config.signals, signals).filter { $0.1.state == .gained }.map(\.0.id)
        var rationale = "PD-L1 \(group.rawValue): \(reason). "
        if measured == 0 {
            rationale += "No immunogenic marker measured. "
        } else {
            rationale += gained.isEmpty ? "Immunogenic gains: none of \(measured) measured. " : "Immunogenic gains: \(gained.joined(separator: ", ")). "
        }
        rationale += fired?.rationale ?? "No rule matched."
        if flags.contains("stain_drift"), let drift {
            rationale += " Caution: stains drifted \(Self.f1(drift)) degrees between pre and post."
        }
        if flags.contains("od_scale_drift") {
            rationale += " Caution: pre and post OD factors (od_scale) differ more than \(Self.trim(ODScaleDrift.threshold))-fold:"
                + " a different scanner, which they correct, or a different counterstain, which they turn into a DAB change"
                + " (one scanner: rescore with --od-scale 1)."
        }

        var call = PatientCall(patient: patient, pdl1Group: group, tpsPre: tps?.pre, tpsPost: tps?.post,
                               tpsCategoryPre: tps.map { category($0.pre) }, tpsCategoryPost: tps.map { category($0.post) },
                               benefit: fired?.call ?? .indeterminate, rule: fired?.id ?? "none",
                               rationale: rationale, probability: nil, flags: flags.sorted())
        call.tpsDelta = tps?.delta
        call.tpsCILow = tps.flatMap { $0.ciLow.isNaN ? nil : $0.ciLow }
        call.tpsCIHigh = tps.flatMap { $0.ciHigh.isNaN ? nil : $0.ciHigh }
        call.signals = signals
        call.stainDriftDegrees = drift
        return call
    }

    func signalState(_ signal: ClassifierConfig.Signal, slides: [SlideRecord], changes: [ChangeRecord]) -> SignalState {
        guard let c = changes.first(where: { $0.marker == signal.marker && $0.metric == signal.metric }),
              c.preTumourCells >= config.pdl1.minTumourCells, c.postTumourCells >= config.pdl1.minTumourCells
        else { return SignalState(id: signal.id, state: .unmeasured, delta: nil) }
        let gained = c.delta >= signal.minDelta && c.ciLow > 0
        return SignalState(id: signal.id, state: gained ? .gained : .notGained, delta: c.delta)
    }

    func matches(_ w: ClassifierConfig.Conditions, group: PDL1Group, gains: Int, measured: Int, tpsPost: Double?) -> Bool {
        if let g = w.pdl1Group, !g.contains(group) { return false }
        if let n = w.gainsAtLeast, gains < n { return false }
        if let n = w.gainsAtMost, gains > n { return false }
        if let n = w.measuredAtLeast, measured < n { return false }
        if let n = w.measuredAtMost, measured > n { return false }
        if let t = w.tpsPostAtLeast { guard let tpsPost, tpsPost >= t else { return false } }
        if let t = w.tpsPostBelow { guard let tpsPost, tpsPost < t else { return false } }
        return true
    }

    static func f1(_ v: Double) -> String { v.isNaN ? "NA" : String(format: "%.1f", v) }
    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + String(format: "%.1f", v) }
}

import Foundation
