import StainShiftCells
import StainShiftImaging
import StainShiftStains

/// Settings of whole-tile scoring that are not part of the marker.
public struct ScoringSettings: Sendable {
    /// µm per pixel; nil: from the image's metadata, else estimated from its nuclei
    /// (`NucleusScale`), else `defaultPixelSizeMicrons`.
    public var pixelSizeMicrons: Double?
    /// Where a set `pixelSizeMicrons` came from: `.option` (the command line) or `.manifest`.
    public var pixelSizeSource: PixelSizeSource = .option
    /// Stain vectors used for colour deconvolution (default Ruifrok & Johnston H-DAB).
    public var stains: StainMatrix = StainPresets.hDAB
    /// Estimate the stain vectors from each scored image itself (Macenko et al. 2009, `--stains
    /// auto`), with `stains` naming the roles and standing in when too few pixels are stained. One
    /// estimate per image: a tile of a larger image (`core` given) keeps `stains`, which the caller
    /// estimated once for the whole image or slide.
    public var estimatesStains = false
    /// White point for optical density; nil: estimated from the glass (`estimatesBackground`),
    /// else the bit depth's maximum (CONTRACT).
    public var background: Double?
    /// With no `background`, estimate the white point per channel from the image's glass
    /// (`BackgroundEstimator`; the bit depth's maximum when a tile has no glass). Beige or yellow
    /// glass read against 255 gives every pixel, blue nuclei included, 0.05-0.15 OD of DAB-coloured
    /// stain (BCData's hematoxylin-only nuclei: median nuclear DAB 0.13 against 255, 0.08 against
    /// the estimate; positivity agreement with the experts 0.88 -> 0.94). The detection presets that
    /// reproduce QuPath and the textbook pipeline keep the fixed white they were defined with.
    public var estimatesBackground: Bool = true
    /// A white point measured once for a whole image (tiled scoring: on its tissue overview), used
    /// instead of each tile's own estimate so every tile of an image reads OD against the same glass.
    public var imageWhitePoint: WhitePoint?
    /// Worker threads; nil: all cores. Results are identical whatever the count.
    public var threads: Int?
    /// Fewer scored cells than this flags the tile `too_few_cells`. The 22C3 pharmDx manual asks for
    /// at least 100 viable tumour cells per specimen: that rule belongs to the slide (the sum of its
    /// tiles; `Marker.insufficient`, `Marker.minimumTumourCells`); a single tile is only flagged when
    /// it holds too few cells to say anything on its own. Kept at most `Marker.minimumTumourCells`,
    /// so a `too_few_cells` score is always `insufficient` too.
    public var minimumCells: Int = 20
    /// How nuclei and cells are found (`TileScorer.cellParameters`): the default preset detects on the
    /// OD sum for nuclear markers and on hematoxylin for the others; distance-watershed on
    /// hematoxylin (+ DAB for nuclear markers); qupath-0.3 on the OD sum, as QuPath.
    public var detection: DetectionPreset = .standard
    /// A fixed detection threshold (OD) instead of the preset's automatic one.
    public var detectionThreshold: Double?
    /// The factor for every measured OD: 1 (the default) scores the nucleus's own DAB as scanned;
    /// another number is a factor measured once per scanner; nil (`--od-scale auto`) uses each
    /// image's own factor (`CellParameters.normaliseStains`), which brings two scanners' images of
    /// one slide together but reads a pale counterstain as a dim scan and lifts weak DAB with it.
    public var odScale: Double? = 1
    /// Gives every cell its class (tumour, immune, stroma, other) in place of the morphology rule
    /// (`MorphologyRule`): e.g. a random forest trained with `stainshift train-cells`.
    public var cellClassifier: (any CellClassifying)?
    /// What `cellClassifier` is, for the JSON and the methods (a model file's path); nil with none.
    public var cellClassifierName: String?

    /// 0.5 µm/px, a 20x scan: used when nothing declares a pixel size and the nuclei give no estimate.
    public static let defaultPixelSizeMicrons = 0.5

    public init() {}

    /// The white point used for `image` and where it came from.
    public func whitePoint(for image: RGBImage) -> (point: WhitePoint, source: WhitePointSource) {
        if let background, let w = try? WhitePoint(uniform: background) { return (w, .option) }
        if estimatesBackground && detection == .standard {
            if let imageWhitePoint { return (imageWhitePoint, .estimated) }
            let estimate = BackgroundEstimator.estimate(image)
            if estimate.warning == nil { return (estimate.whitePoint, .estimated) }
        }
        return (.fixed(for: image), .fixed)
    }

    /// The pixel size declared for `image` and where it came from: the setting, else the file's
    /// metadata; nil when neither gives one (then scoring estimates it from the nuclei).
    public func declaredPixelSize(for image: RGBImage) -> (microns: Double, source: PixelSizeSource)? {
        if let p = pixelSizeMicrons, p.isFinite, p > 0 { return (p, pixelSizeSource) }
        if let p = image.pixelSizeMicrons, p.isFinite, p > 0 { return (p, .metadata) }
        return nil
    }

    /// The pixel size used for an image: declared, else estimated from `planes` (its stain
    /// planes), else `defaultPixelSizeMicrons` (`.assumed`).
    public func pixelSize(for image: RGBImage, planes: StainPlanes) -> (microns: Double, source: PixelSizeSource) {
        if let declared = declaredPixelSize(for: image) { return declared }
        if let estimated = NucleusScale.estimate(planes) { return (estimated, .estimated) }
        return (Self.defaultPixelSizeMicrons, .assumed)
    }
}

/// Where the white point used for optical density came from (`background_source` in the JSON).
public enum WhitePointSource: String, Sendable, Codable {
    /// `--background` (or a library caller's setting).
    case option
    /// Measured on the image's glass (`BackgroundEstimator`).
    case estimated
    /// The bit depth's maximum (no glass in the tile, or a preset with a fixed white).
    case fixed
}

/// Where the pixel size used for scoring came from (`pixel_size_source` in JSON and tables).
public enum PixelSizeSource: String, Sendable, Codable, CaseIterable {
    /// The file: TIFF resolution tags, OME-XML, PNG pHYs or the slide's properties.
    case metadata
    /// The manifest's `pixel_size` column.
    case manifest
    /// `--pixel-size` on the command line (or a library caller's setting).
    case option
    /// Estimated from the nuclei (`NucleusScale`): the file declares none.
    case estimated
    /// Nothing declared and no estimate possible (too little nuclear signal): 0.5 µm assumed.
    case assumed
}
