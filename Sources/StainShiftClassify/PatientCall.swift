import StainShiftCohort

/// How a patient's PD-L1 tumour proportion score moved after radiotherapy.
public enum PDL1Group: String, Sendable, Codable, CaseIterable {
    case increase, decrease
    case noChange = "no_change"
    case insufficient
}

/// Predicted benefit from adding anti-PD-1/PD-L1 therapy.
public enum Benefit: String, Sendable, Codable, CaseIterable {
    case likely, possible, unlikely, indeterminate
}

/// One patient's calls: a row of `groups.tsv`.
public struct PatientCall: Sendable, Equatable, Codable {
    public var patient: String
    public var pdl1Group: PDL1Group
    public var tpsPre: Double?
    public var tpsPost: Double?
    /// Clinical TPS category before and after: `<1%`, `1-49%`, `>=50%`.
    public var tpsCategoryPre: String?
    public var tpsCategoryPost: String?
    public var benefit: Benefit
    /// Identifier of the benefit rule that fired.
    public var rule: String
    /// Plain-English reason for the calls.
    public var rationale: String
    /// Benefit probability from a trained model, when one was given.
    public var probability: Double?
    /// Patient-level QC flags (stain drift, low cell counts, ...).
    public var flags: [String]
    /// PD-L1 TPS change (points) and its 95% bootstrap interval, when both slides were scored.
    public var tpsDelta: Double? = nil
    public var tpsCILow: Double? = nil
    public var tpsCIHigh: Double? = nil
    /// Whether the clinical TPS category differs between pre and post (nil when either is missing).
    public var tpsCategoryChanged: Bool? {
        guard let a = tpsCategoryPre, let b = tpsCategoryPost else { return nil }
        return a != b
    }
    /// State of each immunogenic signal of the classifier config, in config order.
    public var signals: [SignalState] = []
    /// Largest stain drift (degrees) between this patient's pre and post slides of any marker.
    public var stainDriftDegrees: Double? = nil
    /// Known outcome (1 responder, 0 not) from the manifest's `outcome` column.
    public var outcome: Int? = nil

    public init(patient: String, pdl1Group: PDL1Group, tpsPre: Double?, tpsPost: Double?,
                tpsCategoryPre: String?, tpsCategoryPost: String?, benefit: Benefit, rule: String,
                rationale: String, probability: Double?, flags: [String]) {
        self.patient = patient; self.pdl1Group = pdl1Group; self.tpsPre = tpsPre; self.tpsPost = tpsPost
        self.tpsCategoryPre = tpsCategoryPre; self.tpsCategoryPost = tpsCategoryPost; self.benefit = benefit
        self.rule = rule; self.rationale = rationale; self.probability = probability; self.flags = flags
    }
}

/// Whether one immunogenic-response signal (e.g. calreticulin membrane gain) was seen.
public struct SignalState: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case gained, notGained = "not_gained", unmeasured }
    public var id: String
    public var state: State
    public var delta: Double?
    public init(id: String, state: State, delta: Double?) { self.id = id; self.state = state; self.delta = delta }
}

/// Everything a run produced: what the tables and the report are written from.
public struct CohortResult: Sendable, Codable {
    public var tiles: [TileRecord]
    public var slides: [SlideRecord]
    public var changes: [ChangeRecord]
    public var calls: [PatientCall]
    public var failures: [FailureRecord]
    public var provenance: Provenance

    public init(tiles: [TileRecord], slides: [SlideRecord], changes: [ChangeRecord], calls: [PatientCall],
                failures: [FailureRecord], provenance: Provenance) {
        self.tiles = tiles; self.slides = slides; self.changes = changes; self.calls = calls
        self.failures = failures; self.provenance = provenance
    }
}

/// How a run was made: for the report's methods section.
public struct Provenance: Sendable, Codable, Equatable {
    public var version: String
    /// ISO 8601 date of the run (UTC).
    public var date: String
    public var manifest: String
    /// Settings that affect scores, as key = value text (thresholds, stains, pixel size, ...).
    public var settings: [String: String]
    /// Versions of the image libraries that decoded the inputs (libtiff, libpng, libjpeg); nil in
    /// a report.json written before they were recorded.
    public var libraries: [String: String]?

    public init(version: String, date: String, manifest: String, settings: [String: String],
                libraries: [String: String]? = nil) {
        self.version = version; self.date = date; self.manifest = manifest; self.settings = settings
        self.libraries = libraries
    }
}
