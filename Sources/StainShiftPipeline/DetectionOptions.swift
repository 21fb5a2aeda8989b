import Foundation
import StainShiftCells
import StainShiftScoring

/// `--od-scale auto|F`: each image's own OD factor, or one fixed positive factor.
public enum ODScaleChoice: Sendable, Equatable {
    case automatic
    case fixed(Double)

    /// `auto`, or a finite positive number; nil otherwise.
    public init?(argument: String) {
        if argument == "auto" { self = .automatic; return }
        guard let value = Double(argument), value.isFinite, value > 0 else { return nil }
        self = .fixed(value)
    }

    /// As it is written on the command line (`auto`, `1`, `1.25`).
    public var text: String {
        if case .fixed(let value) = self { return String(format: "%g", value) }
        return "auto"
    }

    /// The fixed factor (`ScoringSettings.odScale`); nil for auto.
    public var factor: Double? {
        if case .fixed(let value) = self { return value }
        return nil
    }
}

/// How nuclei are found and cells classed, as the scoring commands' detection options give it
/// (`--preset`, `--detection-threshold`, `--od-scale`, `--cell-classifier`): the one place those
/// options become detection settings, for one tile (`ScoringSetup`, `ScoringSettings`) and for
/// batches (`ScoringEngine`). The command line only declares the options.
public struct DetectionOptions: Sendable, Equatable {
    public var preset: DetectionPreset
    /// Fixed detection threshold in OD instead of the automatic one.
    public var threshold: Double?
    public var odScale: ODScaleChoice
    /// A model file from `stainshift train-cells`, or `shippedCellClassifierName`; nil: the morphology rule.
    public var cellClassifier: String?

    public init(preset: DetectionPreset = .standard, threshold: Double? = nil, odScale: ODScaleChoice = .fixed(1),
                cellClassifier: String? = nil) {
        self.preset = preset
        self.threshold = threshold
        self.odScale = odScale
        self.cellClassifier = cellClassifier
    }

    /// The first problem with the options as a usage message naming the option; nil when there is none.
    public var problem: String? {
        if let threshold, !(threshold.isFinite && threshold > 0) { return "--detection-threshold must be a positive OD" }
        if cellClassifier?.isEmpty == true { return "--cell-classifier needs a model file" }
        return nil
    }

    /// The cell classifier loaded (`loadCellClassifier`) and what identifies it (path and SHA-256:
    /// resume-cache key and methods); nil without one. A model that cannot be loaded is a usage error.
    public func loadedClassifier() throws(PipelineError) -> (classifier: any CellClassifying, key: String)? {
        guard let path = cellClassifier else { return nil }
        return (try loadCellClassifier(path: path), cellClassifierKey(path: path))
    }

    /// A single-tile setup with this preset, threshold and OD factor.
    public func apply(to setup: inout ScoringSetup) {
        setup.detection = preset
        setup.detectionThreshold = threshold
        setup.odScale = odScale.factor
    }

    /// Tile settings with the cell classifier loaded (unchanged without one).
    public func applyClassifier(to settings: inout ScoringSettings) throws(PipelineError) {
        guard let loaded = try loadedClassifier() else { return }
        settings.cellClassifier = loaded.classifier
        settings.cellClassifierName = loaded.key
    }

    /// The standard batch engine (`ScoringEngine.standard`) detecting with these options.
    public func engine(markers: MarkerSet = .builtin, background: Double? = nil,
                       tileSize: Int = TiledScorer.defaultTileSize) throws(PipelineError) -> ScoringEngine {
        let loaded = try loadedClassifier()
        return .standard(markers: markers, background: background, detection: preset, detectionThreshold: threshold,
                         odScale: odScale.factor, tileSize: tileSize, cellClassifier: loaded?.classifier,
                         cellClassifierKey: loaded?.key)
    }
}
