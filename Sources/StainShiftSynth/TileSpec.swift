import StainShiftScoring
import StainShiftStains

/// What a synthetic tile looks like: size, marker, how many cells of which class stain in which bin,
/// and the imaging defects (noise, blur, stain-vector jitter) laid over it.
///
/// Sizes are in µm and converted to pixels once with `pixelSizeMicrons` (default 0.5 µm/px, 20x).
public struct TileSpec: Sendable, Equatable {
    public var width: Int = 512
    public var height: Int = 512
    public var pixelSizeMicrons: Double = 0.5
    public var marker: Marker = .pdl1
    /// Fraction of tumour cells positive (1+ or above) on the marker's primary compartment; the count is exact.
    public var positiveFraction: Double = 0.4
    /// Relative weights of 1+, 2+, 3+ among positive cells.
    public var binWeights: [Double] = [0.4, 0.35, 0.25]
    /// Fraction of tumour cells positive on the secondary compartment (crt, hmgb1 cytoplasm).
    public var secondaryPositiveFraction: Double = 0.3
    /// Fraction of cells that are lymphocytes.
    public var lymphocyteFraction: Double = 0.15
    /// Fraction of lymphocytes positive on the primary compartment.
    public var lymphocytePositiveFraction: Double = 0.3
    /// Fraction of membrane-positive cells whose membrane stains over only 35-70% of its length
    /// ("partial membrane staining", which the 22C3 TPS counts as positive).
    public var partialMembraneFraction: Double = 0.25
    /// Fraction of the tile covered by tissue (0: background only, 1: no background).
    public var tissueFraction: Double = 0.7
    /// Probability that a new tumour nucleus is placed touching an existing one.
    public var touchingFraction: Double = 0.2
    /// Tumour nucleus equivalent radius range, µm (nucleus area about 40-90 µm²).
    public var tumourRadiusMicrons: ClosedRange<Double> = 3.6...5.4
    /// Lymphocyte nucleus radius range, µm (small, round: about 20-30 µm²).
    public var lymphocyteRadiusMicrons: ClosedRange<Double> = 2.5...3.1
    /// Cytoplasm rim painted around each nucleus, µm (cells meet at their Voronoi border when closer);
    /// 5 µm, QuPath's default cell expansion, gives tumour cells of 15-20 µm.
    public var cytoplasmMicrons: Double = 5.0
    /// Membrane ring width, µm.
    public var membraneMicrons: Double = 1.0
    /// Gap between neighbouring cells' nuclei beyond their radii, µm.
    public var spacingMicrons: ClosedRange<Double> = 3.0...6.5
    /// No nucleus centre closer than its radius plus this to the tile border, µm.
    public var marginMicrons: Double = 0.5
    /// Non-specific DAB OD over all tissue.
    public var backgroundDAB: Double = 0.04
    /// Multiplies every hematoxylin OD: below 1 a paler counterstain (a shorter hematoxylin bath),
    /// above 1 a heavier one. DAB is unchanged, unlike a dimmer scan, which lowers both stains.
    public var counterstain: Double = 1
    /// Gaussian noise in grey levels (8-bit).
    public var noise: Double = 2.0
    /// Optical blur, Gaussian sigma in pixels.
    public var blurSigmaPixels: Double = 0.6
    /// Random rotation of each stain vector, degrees (standard deviation).
    public var stainJitterDegrees: Double = 1.0
    /// Stain vectors before jitter.
    public var stains: StainMatrix = StainPresets.hDAB
    /// Glass brightness (grey level of empty slide).
    public var backgroundLevel: Double = 250

    public init() {}

    public init(marker: Marker, width: Int = 512, height: Int = 512, positiveFraction: Double = 0.4) {
        self.marker = marker; self.width = width; self.height = height; self.positiveFraction = positiveFraction
    }
}
