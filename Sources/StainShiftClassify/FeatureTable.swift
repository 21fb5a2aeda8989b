import StainShiftCohort

/// Per-patient model features from change scores: for every marker and metric, the change
/// (`marker.metric.delta`) and the post-treatment value (`marker.metric.post`).
public struct FeatureTable: Sendable, Equatable {
    public var patients: [String]
    public var names: [String]
    /// Row per patient; nil where the patient lacks that marker/metric.
    public var values: [[Double?]]

    public init(changes: [ChangeRecord], names fixed: [String]? = nil) {
        var byPatient: [String: [String: Double]] = [:]
        for c in changes {
            byPatient[c.patient, default: [:]]["\(c.marker).\(c.metric).delta"] = c.delta
            byPatient[c.patient, default: [:]]["\(c.marker).\(c.metric).post"] = c.post
        }
        patients = byPatient.keys.sorted()
        names = fixed ?? Set(byPatient.values.flatMap(\.keys)).sorted()
        let names = names
        values = patients.map { p in names.map { byPatient[p]?[$0] } }
    }
}
