import StainShiftScoring

/// Display choices for `report.html`; none of them changes a score, so a report can be
/// re-rendered with other options from `report.json` without re-scoring (`stainshift report`).
public struct ReportOptions: Sendable, Equatable {
    /// Heading and `<title>` of the HTML report.
    public var title: String
    /// Embed representative pre/post overlay thumbnails found in `overlaysDirectory`.
    public var includeThumbnails: Bool
    /// Folder holding `overlayFileName(patient:marker:timepoint:)` PNGs; `nil` means
    /// `<outdir>/overlays` when written by `ReportWriter.write`, and no thumbnails for `html(_:options:)`.
    public var overlaysDirectory: String?
    /// Overlays larger than this are not embedded (the report stays small enough to e-mail).
    public var maxThumbnailBytes: Int
    /// Half-width, in TPS percentage points, of the no-change band drawn on the waterfall plot.
    /// Display only: the PD-L1 groups come from the classify stage's rule, shown per patient.
    /// `nil` draws the run's `pdl1_delta_points` setting when `Provenance.settings` has one, else 10.
    public var tpsBand: Double?
    /// The main score of each marker for the paired plots and the MultiQC table, by marker name.
    /// A marker not listed here, or whose listed metric is absent, uses the first score the
    /// scoring stage reported for it.
    public var mainMetrics: [String: String]
    /// The Mustache templates report.html is laid out with: the built-in set, or a lab's folder
    /// over it (`ReportTemplates(directory:)`, `--templates DIR`).
    public var templates: ReportTemplates

    public init(title: String = "StainShift report", includeThumbnails: Bool = true,
                overlaysDirectory: String? = nil, maxThumbnailBytes: Int = 4_000_000,
                tpsBand: Double? = nil, mainMetrics: [String: String] = ReportOptions.defaultMainMetrics,
                templates: ReportTemplates = .builtIn) {
        self.title = title; self.includeThumbnails = includeThumbnails
        self.overlaysDirectory = overlaysDirectory; self.maxThumbnailBytes = maxThumbnailBytes
        self.tpsBand = tpsBand; self.mainMetrics = mainMetrics; self.templates = templates
    }

    /// TPS for PD-L1 (the score its companion diagnostics report), H-score for the markers
    /// read by intensity and extent, percent positive for Ki-67.
    public static let defaultMainMetrics: [String: String] = [
        "pdl1": ScoreFormula.tps.rawValue, "hla1": CommonScore.hscore, "crt": CommonScore.hscore, "hmgb1": CommonScore.hscore,
        "ki67": CommonScore.percentPositive,
    ]
}
