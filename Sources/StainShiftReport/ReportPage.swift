import Mustache

/// What the report templates receive: plain values, every text already formatted, every plot
/// already built as SVG. Templates only lay it out (docs/REPORT-TEMPLATES.md lists each value).
///
/// Text goes to `{{name}}`, where Mustache escapes it; markup Swift built and escaped itself
/// (`Markup`, in fields named `svg` or `...HTML`) goes to `{{{name}}}`. An absent value is
/// empty text or an empty list, so `{{#name}}` / `{{^name}}` test for it; a part that is absent
/// as a whole (a patient without a call) is nil.
struct ReportPage {
    let title: Text
    let version: Text
    let date: Text
    let manifest: Text
    let researchUseOnly: Text
    let failureCount: Text
    let hasPatients: Bool
    /// Every patient in natural order: the navigation, the overview table and one section each.
    let patients: [PatientPart]
    let summary: SummaryPart
    let waterfall: WaterfallPart
    let paired: PairedPart
    let failures: FailuresPart
    let methods: MethodsPart
}

/// Text for `{{ }}`: Mustache escapes `& < > " '`; `XMLText.sanitized` has already replaced what
/// XML cannot hold. Empty text counts as absent in a section tag.
struct Text: MustacheCustomRenderable, ExpressibleByStringInterpolation, Sendable, Equatable {
    let renderText: String
    var isNull: Bool { renderText.isEmpty }

    init(_ text: String) { renderText = XMLText.sanitized(text) }
    init(stringLiteral value: String) { self.init(value) }
    init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }
}

/// Well-formed markup built and escaped by `HTMLWriter` (the SVG plots), for `{{{ }}}`.
struct Markup: MustacheCustomRenderable, Sendable {
    let renderText: String
    var isNull: Bool { renderText.isEmpty }
}

/// A coloured label: `badgeClass` is `g-increase`, `g-none`, ..., or `benefit b-likely`, ....
struct Badge {
    let badgeClass: Text
    let badgeLabel: Text
}

/// A colour key entry: `colour` is a CSS colour.
struct Swatch {
    let colour: Text
    let label: Text
}

/// A two-column table of names and values (`kv-table`).
struct KeyValueTable {
    struct Row {
        let key: Text
        let value: Text
    }

    let kvName: Text
    /// Keys are identifiers, set in `<code>`.
    let kvCode: Bool
    let kvRows: [Row]
}

struct SummaryPart {
    struct Card {
        let label: Text
        let value: Text
        let hasDetail: Bool
        let detail: Text
        let alert: Bool
    }

    struct GroupRow {
        let group: Text
        let colour: Text
        let label: Text
        let count: Text
    }

    struct BenefitRow {
        let benefit: Text
        let count: Text
    }

    let cards: [Card]
    let groups: [GroupRow]
    let benefits: [BenefitRow]
}

struct WaterfallPart {
    struct Unplotted {
        /// `""` before the first patient, `", "` before the others.
        let separator: Text
        let id: Text
        let anchor: Text
        let groupLabel: Text
    }

    let svg: Markup
    let band: Text
    let hasNotPlotted: Bool
    let notPlotted: [Unplotted]
}

struct PairedPart {
    struct Plot {
        let marker: Text
        let caption: Text
        let svg: Markup
    }

    let legend: [Swatch]
    let plots: [Plot]
}

struct FailuresPart {
    struct Row {
        let line: Text
        let slide: Text
        let image: Text
        let stage: Text
        let error: Text
    }

    struct Insufficient {
        let id: Text
        let anchor: Text
        let group: Badge
        let missing: Text
        let reason: Text
    }

    let failureText: Text
    let hasRows: Bool
    let rows: [Row]
    let insufficientText: Text
    let hasInsufficient: Bool
    let insufficient: [Insufficient]
}

/// One patient: a row of the overview table and a section of its own.
struct PatientPart {
    let id: Text
    let anchor: Text
    let group: Badge
    /// Nil when no call was made.
    let benefit: Badge?
    let tpsPre: Text
    let tpsPost: Text
    let tpsDelta: Text
    let tpsInterval: Text
    let tpsCategories: Text
    /// Distinct QC flags: the patient's, then its slides', then its tiles'.
    let flags: [Text]
    let call: CallPart?
    let hasScores: Bool
    let scores: [ScoreRow]
    let hasSlides: Bool
    let slides: [SlideRow]
    let hasQC: Bool
    let qc: [QCLine]
    /// Nil when thumbnails are off or there is no overlays folder.
    let thumbnails: ThumbnailsPart?
    /// Whole-slide thumbnails and heat maps; nil when no slide has them.
    let slideMaps: SlideMapsPart?
}

extension ThumbnailsPart.Image {
    /// A figure of `thumbnail`: embedded when it loaded, else the reason it was not.
    init(_ thumbnail: Thumbnail, caption: String, alt: String) {
        self.init(marker: Text(thumbnail.marker), timepoint: Text(thumbnail.timepoint.rawValue), caption: Text(caption),
                  embedded: thumbnail.dataURI != nil, srcHTML: Markup(renderText: XMLText.escape(thumbnail.dataURI ?? "")),
                  alt: Text(alt), fileName: Text(thumbnail.fileName), problem: Text(thumbnail.problem ?? "unreadable"))
    }
}

/// The whole-slide pictures of a patient's slides scored tile by tile.
struct SlideMapsPart {
    let images: [ThumbnailsPart.Image]
}

struct CallPart {
    struct Signal {
        let signal: Text
        /// `gained`, `not_gained`, `unmeasured`; `stateText` is the same in words.
        let state: Text
        let stateText: Text
        let description: Text
        let change: Text
    }

    let warn: Bool
    let groupText: Text
    let tpsText: Text
    let benefitText: Text
    let rule: Text
    let rationale: Text
    let hasSignals: Bool
    let signals: [Signal]
    let hasExtra: Bool
    let drift: Text
    let outcome: Text
    let missingSlides: Text
}

struct ScoreRow {
    let rowClass: Text
    let marker: Text
    let metric: Text
    let firstOfMarker: Bool
    let rowspan: Text
    let markerName: Text
    let metricName: Text
    let pre: Text
    let post: Text
    let delta: Text
    let ciLow: Text
    let ciHigh: Text
}

struct SlideRow {
    let marker: Text
    let markerName: Text
    let timepoint: Text
    let slide: Text
    let tiles: Text
    let failed: Text
    let anyFailed: Bool
    let tumourCells: Text
    let positive: Text
    let lymphocytes: Text
    let tissuePixels: Text
    let stains: Text
    let drift: Text
    let odFactor: Text
    let flags: [Text]
}

struct QCLine {
    let flag: Text
    let place: Text
    let meaning: Text
}

struct ThumbnailsPart {
    struct Image {
        let marker: Text
        let timepoint: Text
        let caption: Text
        /// Whether the overlay is embedded; when not, `problem` says why.
        let embedded: Bool
        /// The `data:image/png;base64,...` URI for the `src` attribute, escaped by Swift (an
        /// overlay is megabytes of base64, which Mustache's escaping would walk character by character).
        let srcHTML: Markup
        let alt: Text
        let fileName: Text
        let problem: Text
    }

    let folder: Text
    let hasImages: Bool
    let images: [Image]
}

struct MethodsPart {
    struct Rule {
        let rule: Text
        let when: Text
        let callText: Text
        let rationale: Text
        let firedCount: Text
    }

    struct Signal {
        let signal: Text
        let markerName: Text
        let metric: Text
        let minimumGain: Text
        let description: Text
    }

    struct Config {
        let rules: [Rule]
        let hasSignals: Bool
        let signals: [Signal]
    }

    struct Fired {
        let rule: Text
        let outcomes: Text
        let count: Text
        let who: Text
    }

    struct Stains {
        let source: Text
        let matrix: Text
        let count: Text
        let usedBy: Text
    }

    struct Input {
        let image: Text
        let patient: Text
        let marker: Text
        let timepoint: Text
        let sha256: Text
    }

    let runTable: KeyValueTable
    let paragraphs: [Text]
    let groupRule: Text
    /// Nil when the run did not record its classifier config; `fired` lists the rules that fired.
    let config: Config?
    let hasFired: Bool
    let fired: [Fired]
    /// Nil when the run recorded no settings.
    let settingsTable: KeyValueTable?
    let hasStains: Bool
    let stains: [Stains]
    let unitsTable: KeyValueTable
    let flagsTable: KeyValueTable
    let hasInputs: Bool
    let inputs: [Input]
}
