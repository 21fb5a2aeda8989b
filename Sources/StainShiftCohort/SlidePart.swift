import StainShiftScoring
import StainShiftStains

/// Derives a marker's scores from additive totals (the scoring stage's `Marker.scores`), passed
/// in so the cohort maths can be tested on hand-made totals.
public typealias MarkerScoring = @Sendable (_ marker: String, _ totals: TileTotals) -> [MarkerScore]

/// One slide's scored tiles: the unit of scatter/gather. `stainshift score-slide` writes it as
/// JSON, `stainshift cohort` combines parts, and `stainshift run` goes through the same parts in
/// memory, so both paths give byte-identical tables.
public struct SlidePart: Sendable, Equatable, Codable {
    public static let formatName = "stainshift-slide-part/1"
    public var format: String
    public var version: String
    public var slide: String
    public var patient: String
    public var timepoint: Timepoint
    public var marker: String
    /// The stain matrix used, as text, and where it came from (`preset:h-dab`, `auto`, `file:...`).
    public var stains: String
    public var stainsSource: String
    /// The given stain vectors (hematoxylin and DAB; no derived residual), for drift between a
    /// patient's pre and post slides.
    public var stainVectors: [StainVector]
    /// Scored tiles in manifest order.
    public var tiles: [TileRecord]
    /// Tiles that could not be read or scored.
    public var failures: [FailureRecord]
    /// The detection and scoring settings the tiles were scored with, for the report's methods
    /// (nil in parts written before they were recorded, and for slides without a part).
    public var settings: [String: String]?

    public init(version: String, slide: String, patient: String, timepoint: Timepoint, marker: String,
                stains: String, stainsSource: String, stainVectors: [StainVector],
                tiles: [TileRecord], failures: [FailureRecord]) {
        self.format = Self.formatName; self.version = version
        self.slide = slide; self.patient = patient; self.timepoint = timepoint; self.marker = marker
        self.stains = stains; self.stainsSource = stainsSource; self.stainVectors = stainVectors
        self.tiles = tiles; self.failures = failures
    }

    /// Sum of the tiles' additive totals.
    public var totals: TileTotals { tiles.reduce(into: TileTotals()) { $0 += $1.score.totals } }
}
