import Foundation
import StainShiftCohort
import StainShiftScoring

/// Thresholds and the benefit rule table. Defaults are built in; `--config FILE` (JSON, snake_case
/// keys) overrides any top-level section it names.
///
/// Evidence behind the defaults:
/// - Radiotherapy induces tumour PD-L1 through interferon-γ signalling (Dovedi et al. 2014,
///   Cancer Res 74:5458; Deng et al. 2014, J Clin Invest 124:687), so a post-RT rise is the brake
///   that PD-1/PD-L1 blockade releases.
/// - PD-L1-positive tumours respond better to blockade: objective response 48% vs 15% for
///   PD-L1-negative tumours in a review of 17 studies (the figure of the project's brief; the
///   review of PD-L1 as a predictive biomarker by Patel & Kurzrock 2015, Mol Cancer Ther 14:847,
///   covers this evidence; the exact source of the pooled figure is still to be checked).
/// - A PD-L1 rise after chemoradiotherapy is associated with worse outcome when no blockade
///   follows (reported in NSCLC after concurrent chemoradiotherapy; reference still to be
///   checked), which is the case for adding it.
/// - Immunogenic cell death (calreticulin exposed on the membrane, Obeid et al. 2007, Nat Med
///   13:54; HMGB1 released from the nucleus, Apetoh et al. 2007, Nat Med 13:1050) and raised
///   HLA class I presentation after irradiation (Reits et al. 2006, J Exp Med 203:1259) mean the
///   accelerator is on.
public struct ClassifierConfig: Sendable, Equatable, Codable {
    /// How PD-L1 change is called.
    public struct PDL1Rule: Sendable, Equatable, Codable {
        public var marker: String = "pdl1"
        public var metric: String = ScoreFormula.tps.rawValue
        /// Smallest |ΔTPS| in percentage points that counts as a change.
        public var minDelta: Double = 10
        /// Fewer scorable tumour cells than this on either slide → `insufficient`.
        public var minTumourCells: Int = 100
        /// Clinical TPS cut-offs (percent): <1%, 1-49%, >=50% (KEYNOTE-024/-042 categories).
        public var categoryCutoffs: [Double] = [1, 50]
        public init() {}
    }

    /// One immunogenic-response signal: a gain of `metric` of `marker` of at least `minDelta`
    /// whose 95% interval lies above 0.
    public struct Signal: Sendable, Equatable, Codable {
        public var id: String
        public var marker: String
        public var metric: String
        public var minDelta: Double
        public var description: String
        public init(id: String, marker: String, metric: String, minDelta: Double, description: String) {
            self.id = id; self.marker = marker; self.metric = metric; self.minDelta = minDelta; self.description = description
        }
    }

    /// Conditions of a rule; every condition given must hold.
    public struct Conditions: Sendable, Equatable, Codable {
        public var pdl1Group: [PDL1Group]?
        public var gainsAtLeast: Int?
        public var gainsAtMost: Int?
        public var measuredAtLeast: Int?
        public var measuredAtMost: Int?
        public var tpsPostAtLeast: Double?
        public var tpsPostBelow: Double?
        public init(pdl1Group: [PDL1Group]? = nil, gainsAtLeast: Int? = nil, gainsAtMost: Int? = nil,
                    measuredAtLeast: Int? = nil, measuredAtMost: Int? = nil,
                    tpsPostAtLeast: Double? = nil, tpsPostBelow: Double? = nil) {
            self.pdl1Group = pdl1Group; self.gainsAtLeast = gainsAtLeast; self.gainsAtMost = gainsAtMost
            self.measuredAtLeast = measuredAtLeast; self.measuredAtMost = measuredAtMost
            self.tpsPostAtLeast = tpsPostAtLeast; self.tpsPostBelow = tpsPostBelow
        }
    }

    /// A row of the benefit table: the first rule whose conditions hold decides.
    public struct BenefitRule: Sendable, Equatable, Codable {
        public var id: String
        public var when: Conditions
        public var call: Benefit
        public var rationale: String
        public init(id: String, when: Conditions, call: Benefit, rationale: String) {
            self.id = id; self.when = when; self.call = call; self.rationale = rationale
        }
    }

    public var pdl1 = PDL1Rule()
    public var signals: [Signal] = ClassifierConfig.defaultSignals
    public var benefitRules: [BenefitRule] = ClassifierConfig.defaultRules
    /// Stain drift (degrees) between pre and post above which a patient is flagged `stain_drift`.
    public var stainDriftDegrees: Double = StainDrift.threshold

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ClassifierConfig()
        pdl1 = try c.decodeIfPresent(PDL1Rule.self, forKey: .pdl1) ?? d.pdl1
        signals = try c.decodeIfPresent([Signal].self, forKey: .signals) ?? d.signals
        benefitRules = try c.decodeIfPresent([BenefitRule].self, forKey: .benefitRules) ?? d.benefitRules
        stainDriftDegrees = try c.decodeIfPresent(Double.self, forKey: .stainDriftDegrees) ?? d.stainDriftDegrees
    }

    /// Reads a JSON config; sections it leaves out keep their defaults.
    public static func load(_ path: String) throws(ClassifyError) -> ClassifierConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClassifyError(path: path, reason: "cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let config: ClassifierConfig
        do { config = try decoder.decode(ClassifierConfig.self, from: data) } catch {
            throw ClassifyError(path: path, reason: "not a valid classifier config: \(ClassifyError.describe(error))")
        }
        let cuts = config.pdl1.categoryCutoffs
        guard cuts.count == 2, cuts[0] > 0, cuts[0] < cuts[1] else {
            throw ClassifyError(path: path, reason: "pdl1.category_cutoffs must be two increasing percentages, e.g. [1, 50]")
        }
        guard config.pdl1.minDelta >= 0, config.pdl1.minTumourCells >= 0 else {
            throw ClassifyError(path: path, reason: "pdl1.min_delta and pdl1.min_tumour_cells must not be negative")
        }
        guard let last = config.benefitRules.last, last.when == Conditions() else {
            throw ClassifyError(path: path, reason: "the last benefit rule must have no conditions (the fallback)")
        }
        return config
    }

    /// The config as JSON (snake_case, sorted keys): what `--config` accepts.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static let defaultSignals: [Signal] = [
        Signal(id: "crt_membrane_gain", marker: "crt", metric: "membrane_percent_positive", minDelta: 10,
               description: "calreticulin exposed on the tumour-cell membrane (immunogenic cell death)"),
        Signal(id: "hmgb1_translocation_gain", marker: "hmgb1", metric: "translocation_index", minDelta: 10,
               description: "HMGB1 moved out of the nucleus (released danger signal)"),
        Signal(id: "hla1_gain", marker: "hla1", metric: "percent_positive", minDelta: 10,
               description: "HLA class I restored on tumour cells (antigen presentation)"),
    ]

    public static let defaultRules: [BenefitRule] = [
        BenefitRule(id: "pdl1_unmeasurable", when: Conditions(pdl1Group: [.insufficient]), call: .indeterminate,
                    rationale: "PD-L1 change could not be measured (a slide is missing or has too few tumour cells)."),
        BenefitRule(id: "brake_and_accelerator", when: Conditions(pdl1Group: [.increase], gainsAtLeast: 1), call: .likely,
                    rationale: "RT raised PD-L1 (the brake blockade releases) and induced immunogenic signals (the accelerator is on)."),
        BenefitRule(id: "brake_unknown_accelerator", when: Conditions(pdl1Group: [.increase], measuredAtMost: 0), call: .possible,
                    rationale: "RT raised PD-L1 (the brake blockade releases); no immunogenic marker was measured."),
        BenefitRule(id: "brake_only", when: Conditions(pdl1Group: [.increase]), call: .possible,
                    rationale: "RT raised PD-L1 (the brake blockade releases) but no immunogenic signal was gained."),
        BenefitRule(id: "high_pdl1_accelerator", when: Conditions(pdl1Group: [.noChange], gainsAtLeast: 1, tpsPostAtLeast: 50), call: .likely,
                    rationale: "PD-L1 stayed high (TPS >= 50%, where blockade responses are most frequent) and immunogenic signals were gained."),
        BenefitRule(id: "high_pdl1", when: Conditions(pdl1Group: [.noChange, .decrease], tpsPostAtLeast: 50), call: .possible,
                    rationale: "PD-L1 is high after RT (TPS >= 50%); PD-L1-positive tumours respond better to blockade (48% vs 15%)."),
        BenefitRule(id: "accelerator_only", when: Conditions(pdl1Group: [.noChange], gainsAtLeast: 2), call: .possible,
                    rationale: "PD-L1 did not rise, but two or more immunogenic signals were gained."),
        BenefitRule(id: "unmeasured_accelerator", when: Conditions(pdl1Group: [.noChange, .decrease], measuredAtMost: 0), call: .indeterminate,
                    rationale: "PD-L1 did not rise and no immunogenic marker was measured."),
        BenefitRule(id: "no_brake", when: Conditions(), call: .unlikely,
                    rationale: "PD-L1 did not rise after RT and is below 50% afterwards: little brake for blockade to release."),
    ]
}

/// A problem with a classifier input (config, model, labelled data): the file and what is wrong.
public struct ClassifyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing key '\(key.stringValue)' at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
            return "\(ctx.debugDescription) at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
        }
    }
}
