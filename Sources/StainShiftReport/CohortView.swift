import StainShiftClassify
import StainShiftCohort

/// A `CohortResult` indexed for display: patients in natural order, markers in panel order,
/// and per-patient lookups, so the HTML and MultiQC writers never search the flat record lists.
struct CohortView {
    let result: CohortResult
    let options: ReportOptions
    /// Every patient named by a call, change, slide or tile, in natural order (`P2` < `P10`).
    let patients: [String]
    let markers: [String]
    let calls: [String: PatientCall]
    let changes: [String: [ChangeRecord]]
    let slides: [String: [SlideRecord]]
    let tiles: [String: [TileRecord]]
    /// Main score of each marker (see `ReportOptions.mainMetrics`).
    let mainMetric: [String: String]
    private let metricOrder: [String: [String]]

    init(_ result: CohortResult, options: ReportOptions) {
        self.result = result
        self.options = options
        var names = Set<String>()
        var calls: [String: PatientCall] = [:]
        for call in result.calls where calls[call.patient] == nil {
            calls[call.patient] = call
            names.insert(call.patient)
        }
        self.calls = calls
        self.changes = Dictionary(grouping: result.changes, by: \.patient)
        self.slides = Dictionary(grouping: result.slides, by: \.patient)
        self.tiles = Dictionary(grouping: result.tiles, by: \.patient)
        names.formUnion(changes.keys)
        names.formUnion(slides.keys)
        names.formUnion(tiles.keys)
        patients = names.sorted(by: NaturalOrder.less)
        markers = MetricInfo.sortMarkers(result.changes.map(\.marker) + result.slides.map(\.marker)
                                         + result.tiles.map(\.marker))
        var order: [String: [String]] = [:]
        var changed: [String: Set<String>] = [:]
        for slide in result.slides {
            for score in slide.scores where !(order[slide.marker] ?? []).contains(score.name) {
                order[slide.marker, default: []].append(score.name)
            }
        }
        for change in result.changes {
            changed[change.marker, default: []].insert(change.metric)
            if !(order[change.marker] ?? []).contains(change.metric) {
                order[change.marker, default: []].append(change.metric)
            }
        }
        metricOrder = order
        var main: [String: String] = [:]
        for marker in markers {
            let listed = order[marker] ?? []
            let withChange = changed[marker] ?? []
            if let chosen = options.mainMetrics[marker], listed.contains(chosen) {
                main[marker] = chosen
            } else if let first = listed.first(where: withChange.contains) ?? listed.first {
                main[marker] = first
            }
        }
        mainMetric = main
    }

    /// The patient's change for one marker and metric.
    func change(_ patient: String, _ marker: String, _ metric: String) -> ChangeRecord? {
        changes[patient]?.first { $0.marker == marker && $0.metric == metric }
    }

    /// The PD-L1 TPS change the waterfall plot and the cohort table show.
    func tpsChange(_ patient: String) -> ChangeRecord? { change(patient, "pdl1", "tps") }

    func group(_ patient: String) -> PDL1Group? { calls[patient]?.pdl1Group }

    /// Metrics of a marker in reporting order: the slides' score order, then any metric only
    /// present as a change.
    func metrics(of marker: String) -> [String] { metricOrder[marker] ?? [] }

    /// Half-width of the waterfall band: the run's `pdl1_delta_points` setting when present.
    var tpsBand: Double {
        if let text = result.provenance.settings["pdl1_delta_points"], let value = Double(text),
           value.isFinite, value >= 0 {
            return value
        }
        return options.tpsBand
    }

    /// Patients per PD-L1 group (patients without a call are not counted).
    func groupCounts() -> [(PDL1Group, Int)] {
        PDL1Group.allCases.map { g in (g, calls.values.filter { $0.pdl1Group == g }.count) }
    }

    func benefitCounts() -> [(Benefit, Int)] {
        Benefit.allCases.map { b in (b, calls.values.filter { $0.benefit == b }.count) }
    }
}
