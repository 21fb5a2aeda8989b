import StainShiftCells

/// The detection and scoring settings a report's methods state, as key = value text: what the
/// preset, a fixed detection threshold, `--od-scale` and a markers file made of the defaults.
/// Recorded in every slide part and in the provenance; the report words its methods from them.
public enum StatedSettings {
    /// `default`, `qupath-0.3` or `distance-watershed` (`DetectionPreset`).
    public static let detectionPreset = "detection_preset"
    /// A fixed detection threshold in OD, or `automatic`.
    public static let detectionThreshold = "detection_threshold_od"
    /// How far nuclei are grown into cells, in µm (0: no expansion).
    public static let cellExpansion = "cell_expansion_um"
    /// The factor every measured OD is multiplied by: `auto` (each image's own) or a number.
    public static let odScale = "od_scale"
    /// The white point: `estimated` (from each image's glass), `fixed` (the bit depth's max) or a number.
    public static let background = "background"
    /// The default preset's threshold on hematoxylin for membrane and cytoplasmic markers.
    public static let detectionThresholdHematoxylin = "detection_threshold_hematoxylin_od"
    /// How cells are classed: `morphology` (`MorphologyRule`) or the classifier's name (a model file).
    public static let cellClassifier = "cell_classifier"
    /// The morphology rule's minimum nucleus hematoxylin OD of a lymphocyte (fixed, not per tile).
    public static let lymphocyteHematoxylin = "lymphocyte_min_hematoxylin_od"
    /// SP142's IC score's tumour area: `tissue` (the tissue mask's area; a region's own area in its scores).
    public static let icTumourArea = "ic_tumour_area"
    /// Followed by a marker's name: its 1+, 2+ and 3+ DAB OD thresholds and compartment.
    public static let thresholdsPrefix = "dab_thresholds_"

    /// The stated settings of `settings` with every marker of `markers`. Sizes are in µm, so the
    /// pixel size does not change them.
    public static func of(_ settings: ScoringSettings, markers: MarkerSet) -> [String: String] {
        // As the scorer sets them (the default preset's threshold depends on the marker's stain:
        // stated for a nuclear marker, the membrane markers' hematoxylin threshold beside it).
        let p = TileScorer.cellParameters(for: .ki67, pixelSizeMicrons: ScoringSettings.defaultPixelSizeMicrons,
                                          settings: settings)
        var out = [
            detectionPreset: settings.detection.rawValue,
            detectionThreshold: p.threshold.map { String($0) } ?? "automatic",
            cellExpansion: String(p.cellExpansionMicrons),
            odScale: settings.odScale.map { String(format: "%g", $0) } ?? "auto",
            background: settings.background.map { String(format: "%g", $0) }
                ?? (settings.estimatesBackground && settings.detection == .standard ? "estimated" : "fixed"),
        ]
        if settings.cellClassifier == nil {
            out[cellClassifier] = "morphology"
            out[lymphocyteHematoxylin] = String(p.lymphocyteMinHematoxylinOD)
        } else {
            out[cellClassifier] = settings.cellClassifierName ?? "model"
        }
        out[icTumourArea] = "tissue"
        if settings.detection == .standard, settings.detectionThreshold == nil {
            out[detectionThresholdHematoxylin] = String(CellParameters.defaultHematoxylinThreshold)
        }
        for marker in markers.markers {
            let t = marker.thresholds
            out[thresholdsPrefix + marker.name] = "1+ \(t.weak), 2+ \(t.moderate), 3+ \(t.strong) (\(marker.primary.rawValue))"
        }
        return out
    }
}
