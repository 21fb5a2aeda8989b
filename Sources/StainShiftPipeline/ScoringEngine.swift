import StainShiftCohort
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

/// What the batch runner needs from the scoring stage, as values so tests can substitute a
/// cheap scorer: score one decoded tile, derive scores from totals, describe the parameters that
/// affect a score (for the resume cache key), and draw an overlay.
public struct ScoringEngine: Sendable {
    /// One tile to score.
    public struct Job: Sendable {
        public var image: RGBImage
        /// Name recorded in the score (the manifest's image path).
        public var name: String
        public var marker: String
        public var stains: StainMatrix
        /// µm per pixel from the manifest, else nil (the file's, else the scorer's default).
        public var pixelSize: Double?
        /// Threads the scorer may use inside this tile.
        public var threads: Int
        /// The worker's buffers, reused from tile to tile (nil: allocate per tile).
        public var pool: BufferPool? = nil
        /// The manifest row's `regions` / `region_class`: count only the cells inside them.
        public var regions: RegionScoring? = nil
        /// The manifest row's `cell_classifier`, in place of the engine's; nil: the engine's.
        public var cellClassifier: RowCellClassifier? = nil
        /// Where to write the image's heat map PNG (`Heatmap`, 50 µm bins; of the cells inside
        /// `regions` when given); nil: none.
        public var heatmap: String? = nil
    }

    /// An image too large to score whole (`TiledScorer.needsTiling`), scored by region reads.
    public struct FileJob: Sendable {
        public var path: String
        public var name: String
        public var marker: String
        public var stains: StainMatrix
        public var pixelSize: Double?
        /// Threads the tiled scorer spreads its tiles over.
        public var threads: Int
        /// The manifest row's `regions` / `region_class`: count only the cells inside them.
        public var regions: RegionScoring? = nil
        /// Where to write the image's `SlideMaps` (`<prefix>.heatmap.png`, `<prefix>.thumbnail.png`); nil: none.
        public var mapPrefix: String? = nil
        /// The manifest row's `cell_classifier`, in place of the engine's; nil: the engine's.
        public var cellClassifier: RowCellClassifier? = nil
        /// Where to write the image's heat map PNG on its own (`score-slide --heatmap`); nil: none.
        /// It and the maps' heat map count the cells inside `regions` only, when given.
        public var heatmap: String? = nil
    }

    public var knownMarkers: Set<String>
    /// `--tile-size`: images larger than this either way go to `scoreTiled` when the engine has one.
    public var tileSize: Int = TiledScorer.defaultTileSize
    /// Scores a large image tile by tile from its file (nil: every image is decoded whole).
    public var scoreTiled: (@Sendable (FileJob) throws -> TileScore)?
    public var score: @Sendable (Job) throws -> TileScore
    public var scores: MarkerScoring
    /// Every parameter besides the image and stains that changes a marker's score, as stable text.
    public var parameters: @Sendable (_ marker: String) -> String
    /// An overlay of a scored tile for the report (nil when the engine draws none).
    public var overlay: (@Sendable (Job) throws -> RGBImage)?
    /// The cells a marker's `percent_positive` counts (tumour cells, or all cells for Ki67):
    /// the `cells_total` / `cells_positive` columns.
    public var scoredCells: @Sendable (_ marker: String, _ totals: TileTotals) -> BinCounts = { $1.tumour }
    /// The detection and scoring settings a report's methods state (`StatedSettings`: preset,
    /// detection threshold, cell expansion, OD factor, each marker's DAB thresholds), as text.
    /// Every slide part records them, so `cohort` reports what `score-slide` used.
    public var settings: [String: String] = [:]

    public init(knownMarkers: Set<String>, score: @escaping @Sendable (Job) throws -> TileScore,
                scores: @escaping MarkerScoring, parameters: @escaping @Sendable (String) -> String,
                overlay: (@Sendable (Job) throws -> RGBImage)? = nil) {
        self.knownMarkers = knownMarkers; self.score = score; self.scores = scores
        self.parameters = parameters; self.overlay = overlay
    }
}
