import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftScoring

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
    /// The run's classifier config, when it recorded one as JSON in `settings["classifier_config"]`.
    let config: ClassifierConfig?
    /// Signal id -> plain-English description, from the config.
    let signalDescriptions: [String: String]

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
        config = result.provenance.settings[CohortView.configKey].flatMap(CohortView.decodeConfig)
        signalDescriptions = Dictionary((config?.signals ?? []).map { ($0.id, $0.description) }, uniquingKeysWith: { a, _ in a })
    }

    /// Settings key under which a run records its classifier config (`ClassifierConfig.json()`).
    static let configKey = "classifier_config"

    static func decodeConfig(_ text: String) -> ClassifierConfig? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(ClassifierConfig.self, from: Data(text.utf8))
    }

    /// The patient's change for one marker and metric.
    func change(_ patient: String, _ marker: String, _ metric: String) -> ChangeRecord? {
        changes[patient]?.first { $0.marker == marker && $0.metric == metric }
    }

    /// The PD-L1 TPS change the waterfall plot and the cohort table show.
    func tpsChange(_ patient: String) -> ChangeRecord? { change(patient, "pdl1", ScoreFormula.tps.rawValue) }

    func group(_ patient: String) -> PDL1Group? { calls[patient]?.pdl1Group }

    /// PD-L1 TPS at one timepoint: from the change, else the call, else the slide's score, so an
    /// unpaired patient still shows the slide that was scored.
    func tps(_ patient: String, _ timepoint: Timepoint) -> Double? {
        if let change = tpsChange(patient) { return timepoint == .pre ? change.pre : change.post }
        if let value = timepoint == .pre ? calls[patient]?.tpsPre : calls[patient]?.tpsPost { return value }
        return slideScore(patient, "pdl1", timepoint, ScoreFormula.tps.rawValue)
    }

    /// A slide's score, nil when the slide is absent or had no scored tile (its scores are
    /// those of empty totals, not measurements).
    func slideScore(_ patient: String, _ marker: String, _ timepoint: Timepoint, _ metric: String) -> Double? {
        slides[patient]?.first { $0.marker == marker && $0.timepoint == timepoint && $0.tileCount > 0 }?
            .scores.first { $0.name == metric }?.value
    }

    /// Metrics of a marker in reporting order: the slides' score order, then any metric only
    /// present as a change.
    func metrics(of marker: String) -> [String] { metricOrder[marker] ?? [] }

    /// Half-width of the waterfall band: the option, else the run's `pdl1_delta_points` setting, else 10.
    var tpsBand: Double {
        if let band = options.tpsBand, band.isFinite, band >= 0 { return band }
        if let text = result.provenance.settings["pdl1_delta_points"], let value = Double(text),
           value.isFinite, value >= 0 {
            return value
        }
        return 10
    }

    /// Patients per PD-L1 group (patients without a call are not counted).
    func groupCounts() -> [(PDL1Group, Int)] {
        PDL1Group.allCases.map { g in (g, calls.values.filter { $0.pdl1Group == g }.count) }
    }

    func benefitCounts() -> [(Benefit, Int)] {
        Benefit.allCases.map { b in (b, calls.values.filter { $0.benefit == b }.count) }
    }
}
