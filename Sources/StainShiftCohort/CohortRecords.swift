import StainShiftScoring
import StainShiftTissue

/// Before or after radiotherapy.
public enum Timepoint: String, Sendable, Codable, CaseIterable, Comparable {
    case pre, post
    public static func < (a: Timepoint, b: Timepoint) -> Bool { a == .pre && b == .post }
}

/// One scored tile: a row of `tiles.tsv`.
public struct TileRecord: Sendable, Equatable, Codable {
    public var patient: String
    public var timepoint: Timepoint
    public var marker: String
    public var slide: String
    /// The image path as written in the manifest (relative to the manifest's folder).
    public var image: String
    /// SHA-256 of the image file, hex.
    public var sha256: String
    public var score: TileScore
    /// Scores derived from this tile's totals alone, in the marker's reporting order.
    public var scores: [MarkerScore] = []

    public init(patient: String, timepoint: Timepoint, marker: String, slide: String, image: String,
                sha256: String, score: TileScore) {
        self.patient = patient; self.timepoint = timepoint; self.marker = marker; self.slide = slide
        self.image = image; self.sha256 = sha256; self.score = score
    }
}

/// One slide (patient x timepoint x marker), the sum of its tiles: a row of `slides.tsv`.
public struct SlideRecord: Sendable, Equatable, Codable {
    public var patient: String
    public var timepoint: Timepoint
    public var marker: String
    public var slide: String
    public var tileCount: Int
    public var totals: TileTotals
    /// Scores derived from `totals`, in the marker's reporting order.
    public var scores: [MarkerScore]
    /// Union of the tiles' QC flags plus slide-level flags.
    public var qcFlags: [String]
    /// The stain matrix used, in StainMatrix text form, and whether it was a preset or estimated.
    public var stains: String
    public var stainsSource: String
    /// Largest angle (degrees) between this slide's stain vectors and those of the same patient's
    /// slides of the other timepoint and the same marker; nil when there is no such slide.
    public var stainDriftDegrees: Double? = nil
    /// Median OD factor (`od_scale`) of the slide's tiles; nil when none recorded one.
    public var odScale: Double? = nil
    /// Tiles of this slide that could not be read or scored (listed in failures.tsv).
    public var failedTiles: Int = 0
    /// Overlay PNG of the slide's representative tile (median primary score), relative to OUTDIR.
    public var overlay: String? = nil
    /// For a slide scored tile by tile: its whole-slide thumbnail with the heat map and scored
    /// regions drawn, and its heat map of positive cells per mm² (`maps/...png`, relative to OUTDIR).
    public var thumbnail: String? = nil
    public var heatmap: String? = nil

    public init(patient: String, timepoint: Timepoint, marker: String, slide: String, tileCount: Int,
                totals: TileTotals, scores: [MarkerScore], qcFlags: [String], stains: String, stainsSource: String) {
        self.patient = patient; self.timepoint = timepoint; self.marker = marker; self.slide = slide
        self.tileCount = tileCount; self.totals = totals; self.scores = scores; self.qcFlags = qcFlags
        self.stains = stains; self.stainsSource = stainsSource
    }
}

/// Pre vs post for one patient, marker and metric: a row of `changes.tsv`.
public struct ChangeRecord: Sendable, Equatable, Codable {
    public var patient: String
    public var marker: String
    public var metric: String
    public var pre: Double
    public var post: Double
    public var delta: Double { post - pre }
    /// (post - pre) / pre; nil when pre is 0.
    public var relativeChange: Double? { pre == 0 ? nil : (post - pre) / pre }
    /// 95% bootstrap interval of the delta (tiles resampled within each slide).
    public var ciLow: Double
    public var ciHigh: Double
    /// Tiles and scorable tumour cells behind `pre` and `post`.
    public var preTiles: Int = 0
    public var postTiles: Int = 0
    public var preTumourCells: Int = 0
    public var postTumourCells: Int = 0
    /// Whether the interval excludes 0 (false when there is no interval).
    public var ciExcludesZero: Bool { (ciLow > 0 && ciHigh > 0) || (ciLow < 0 && ciHigh < 0) }

    public init(patient: String, marker: String, metric: String, pre: Double, post: Double, ciLow: Double, ciHigh: Double) {
        self.patient = patient; self.marker = marker; self.metric = metric
        self.pre = pre; self.post = post; self.ciLow = ciLow; self.ciHigh = ciHigh
    }
}

/// An input that could not be used: a row of `failures.tsv`.
public struct FailureRecord: Sendable, Equatable, Codable {
    /// Manifest line (1-based, header is line 1), when the failure comes from a manifest row.
    public var line: Int?
    public var image: String
    /// What failed: `manifest`, `read`, `score`, ...
    public var stage: String
    public var error: String
    /// The slide the failed input belongs to, when known.
    public var slide: String? = nil

    public init(line: Int?, image: String, stage: String, error: String) {
        self.line = line; self.image = image; self.stage = stage; self.error = error
    }
}
