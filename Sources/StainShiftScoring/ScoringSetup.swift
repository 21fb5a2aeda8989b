import StainShiftCells
import StainShiftStains

/// A problem with one scoring option (`--markers`, `--marker`, `--stains`): a usage error whose
/// one-line message names the option and, through the wrapped error, the file.
public struct ScoringSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let option: String
    public let detail: String
    public init(option: String, detail: String) { self.option = option; self.detail = detail }
    public var description: String { "\(option): \(detail)" }
}

/// The options of single-tile scoring as given on a command line, turned into a marker and
/// `ScoringSettings` in one place, so `score` and `evaluate` score a tile exactly alike.
public struct ScoringSetup: Sendable, Equatable {
    /// Marker name: a built-in or one defined in `markersFile`.
    public var marker: String
    /// Marker config JSON overriding or adding markers (`MarkerSet.load`).
    public var markersFile: String?
    /// Stain set: a preset, `role:r,g,b;...` text or a JSON file (`StainMatrix.resolve`), or `auto`
    /// / `auto:SET`: estimated from each image, roles and fallback from SET (h-dab by default).
    public var stains: String = "h-dab"
    public var pixelSizeMicrons: Double?
    public var threads: Int?
    public var detection: DetectionPreset = .standard
    public var detectionThreshold: Double?
    /// The factor for measured OD (`ScoringSettings.odScale`): 1 by default, nil for auto.
    public var odScale: Double? = 1

    public init(marker: String) { self.marker = marker }

    /// The marker set: built-ins, or those of `markersFile`.
    public func markerSet() throws(ScoringSetupError) -> MarkerSet {
        guard let path = markersFile else { return .builtin }
        do { return try MarkerSet.load(path) } catch { throw ScoringSetupError(option: "--markers", detail: error.description) }
    }

    /// The chosen marker and the settings every tile is scored with.
    public func resolve() throws(ScoringSetupError) -> (marker: Marker, settings: ScoringSettings) {
        let set = try markerSet()
        let chosen: Marker
        do { chosen = try set.marker(named: marker) } catch {
            throw ScoringSetupError(option: "--marker", detail: error.description)
        }
        var settings = ScoringSettings()
        do { (settings.estimatesStains, settings.stains) = try StainMatrix.resolveEstimable(stains) } catch {
            throw ScoringSetupError(option: "--stains", detail: "\(error)")
        }
        settings.pixelSizeMicrons = pixelSizeMicrons
        settings.threads = threads
        settings.detection = detection
        settings.detectionThreshold = detectionThreshold
        settings.odScale = odScale
        return (chosen, settings)
    }
}
