import ArgumentParser
import StainShift

/// The options that decide how one tile is scored, shared by `score` and `evaluate` so both
/// build their settings through `ScoringSetup` and score a tile exactly alike.
struct ScoreOptions: ParsableArguments {
    @Option(help: "Marker: pdl1, hla1, crt, hmgb1, ki67, or one defined in --markers.") var marker: String
    @Option(help: "Stain set: a preset (see `stainshift stains`), role:r,g,b;role:r,g,b, a JSON file, or auto / auto:SET (Macenko on the image itself, roles and fallback from SET, default h-dab; an image scored tile by tile: one estimate from up to 16 of its tissue tiles).") var stains: String = "h-dab"
    @Option(name: .customLong("pixel-size"), help: "Pixel size in µm (default: from the file, else estimated from the nuclei, with a warning).") var pixelSize: Double?
    @Option(help: "Marker config JSON overriding or adding markers.") var markers: String?
    @Option(help: "Worker threads (default: all cores); results do not depend on it.") var threads: Int?
    @OptionGroup var detection: DetectionFlags

    func validate() throws {
        if let pixelSize, !(pixelSize.isFinite && pixelSize > 0 && pixelSize < 1000) {
            throw ValidationError("--pixel-size must be a positive number of µm")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if markers == nil, Marker.builtin(named: marker) == nil {
            throw ValidationError("unknown marker '\(marker)' (known: \(Marker.builtins.map(\.name).joined(separator: ", ")))")
        }
    }

    /// The library's description of these options.
    var setup: ScoringSetup {
        var s = ScoringSetup(marker: marker)
        s.markersFile = markers
        s.stains = stains
        s.pixelSizeMicrons = pixelSize
        s.threads = threads
        detection.options.apply(to: &s)
        return s
    }

    /// The marker and settings, a bad marker file, marker or stain set being a usage error (64).
    /// With `--cell-classifier`, the loaded model classes the cells (a model that cannot be loaded: 64).
    func resolve(_ command: String) throws -> (marker: Marker, settings: ScoringSettings) {
        var resolved: (marker: Marker, settings: ScoringSettings)
        do { resolved = try setup.resolve() } catch {
            throw CommandFailure(command: command, detail: error.description, code: 64)
        }
        try rethrowing(command) { () throws(PipelineError) in try detection.options.applyClassifier(to: &resolved.settings) }
        return resolved
    }
}
