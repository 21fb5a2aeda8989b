import StainShiftCells
import StainShiftImaging
import StainShiftStains

/// Settings of whole-tile scoring that are not part of the marker.
public struct ScoringSettings: Sendable {
    /// µm per pixel; nil: from the image's resolution tags, else `defaultPixelSizeMicrons`.
    public var pixelSizeMicrons: Double?
    /// Stain vectors used for colour deconvolution (default Ruifrok & Johnston H-DAB).
    public var stains: StainMatrix = StainPresets.hDAB
    /// White point for optical density; nil: the bit depth's maximum (CONTRACT).
    public var background: Double?
    /// Worker threads; nil: all cores. Results are identical whatever the count.
    public var threads: Int?
    /// Fewer scored cells than this flags the tile `too_few_cells`. The 22C3 pharmDx manual asks for
    /// at least 100 viable tumour cells per specimen: that rule belongs to the slide (the sum of its
    /// tiles); a single tile is only flagged when it holds too few cells to say anything on its own.
    public var minimumCells: Int = 20
    /// How nuclei and cells are found. The default and distance-watershed presets detect on
    /// hematoxylin, or hematoxylin + DAB for nuclear markers; qupath-0.3 on the OD sum, as QuPath.
    public var detection: DetectionPreset = .standard
    /// A fixed detection threshold (OD) instead of the preset's automatic one.
    public var detectionThreshold: Double?
    /// A fixed factor for measured OD instead of the image's own (`CellParameters.measurementODScale`):
    /// 1 scores OD as scanned. nil: the preset's (the default preset's per-image factor).
    public var odScale: Double?

    /// 0.5 µm/px, a 20x scan: used when neither the option nor the image gives a pixel size.
    public static let defaultPixelSizeMicrons = 0.5

    public init() {}

    /// The pixel size used for `image`: the setting, else the image's, else 0.5 µm.
    public func pixelSize(for image: RGBImage) -> Double {
        if let p = pixelSizeMicrons, p.isFinite, p > 0 { return p }
        if let p = image.pixelSizeMicrons, p.isFinite, p > 0 { return p }
        return Self.defaultPixelSizeMicrons
    }
}
