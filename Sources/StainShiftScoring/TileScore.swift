import StainShiftTissue

/// Additive totals of one tile (or, summed, of a slide): everything a score is derived from.
///
/// Populations: tumour cells and lymphocytes (immune cells), binned on the marker's primary compartment;
/// every class of cells (stroma and other too) in `classes`;
/// tumour cells binned again on the marker's secondary compartment and on the whole cell;
/// tissue pixels binned on DAB OD. OD sums allow ratio scores (membrane / cytoplasm).
public struct TileTotals: Sendable, Equatable, Codable {
    public var tiles: Int = 0
    public var imagePixels: Int = 0
    public var tissuePixels: Int = 0
    /// Tumour cells binned on the primary compartment's DAB.
    public var tumour = BinCounts()
    /// Lymphocytes binned on the primary compartment's DAB.
    public var lymphocytes = BinCounts()
    /// Tumour cells binned on the secondary compartment (zero when the marker has none).
    public var tumourSecondary = BinCounts()
    /// Tumour cells binned on whole-cell DAB.
    public var tumourWholeCell = BinCounts()
    /// Sum over tumour cells of mean DAB OD in the primary / secondary compartment.
    public var primaryDABSum: Double = 0
    public var secondaryDABSum: Double = 0
    /// Sum over tumour cells of whole-cell mean DAB OD.
    public var wholeCellDABSum: Double = 0
    /// Sum over lymphocytes of mean DAB OD in the primary compartment.
    public var lymphocyteDABSum: Double = 0
    /// Sum of nucleus areas (pixels) over all counted cells: mean nucleus size for QC.
    public var nucleusPixels: Int = 0
    /// Tissue pixels binned on DAB OD.
    public var pixels = BinCounts()
    /// Sum of DAB OD over tissue pixels.
    public var pixelDABSum: Double = 0
    /// Cells per class name (a classifier's, or the morphology rule's `Tumor` and `Immune cells`),
    /// binned on the primary compartment, with their areas. Every class is counted here, stroma and
    /// other included; `tumour` and `lymphocytes` above hold the cells of those roles.
    public var classes: [String: ClassTally] {
        get { classTallies ?? [:] }
        set { classTallies = newValue.isEmpty ? nil : newValue }
    }
    /// Storage of `classes`: optional, so totals cached or written before classes were counted decode.
    private var classTallies: [String: ClassTally]?
    /// The area (pixels) of the regions the cells were restricted to (`--regions`, the manifest's
    /// `regions`): the delineated tumour area that SP142's IC score divides by. nil without regions
    /// (the tissue area stands for the tumour area).
    public var regionPixels: Int?

    public init() {}

    public static func + (a: TileTotals, b: TileTotals) -> TileTotals {
        var s = TileTotals()
        s.tiles = a.tiles + b.tiles
        s.imagePixels = a.imagePixels + b.imagePixels
        s.tissuePixels = a.tissuePixels + b.tissuePixels
        s.tumour = a.tumour + b.tumour
        s.lymphocytes = a.lymphocytes + b.lymphocytes
        s.tumourSecondary = a.tumourSecondary + b.tumourSecondary
        s.tumourWholeCell = a.tumourWholeCell + b.tumourWholeCell
        s.primaryDABSum = a.primaryDABSum + b.primaryDABSum
        s.secondaryDABSum = a.secondaryDABSum + b.secondaryDABSum
        s.wholeCellDABSum = a.wholeCellDABSum + b.wholeCellDABSum
        s.lymphocyteDABSum = a.lymphocyteDABSum + b.lymphocyteDABSum
        s.nucleusPixels = a.nucleusPixels + b.nucleusPixels
        s.pixels = a.pixels + b.pixels
        s.pixelDABSum = a.pixelDABSum + b.pixelDABSum
        s.classes = a.classes.merging(b.classes, uniquingKeysWith: +)
        s.regionPixels = a.regionPixels == nil && b.regionPixels == nil ? nil : (a.regionPixels ?? 0) + (b.regionPixels ?? 0)
        return s
    }

    public static func += (a: inout TileTotals, b: TileTotals) { a = a + b }

    /// All cells counted (tumour + lymphocytes).
    public var cellsTotal: Int { tumour.total + lymphocytes.total }
}

/// The result of scoring one image for one marker.
public struct TileScore: Sendable, Equatable, Codable {
    public var image: String
    public var marker: String
    public var totals: TileTotals
    public var qcFlags: [QCFlag]
    public var pixelSizeMicrons: Double
    /// The factor every measured OD was multiplied by before binning: the image's own
    /// (`CellParameters.normaliseStains`: hematoxylin's 99th percentile in tissue brought to 0.8),
    /// a fixed one (`ScoringSettings.odScale`), or 1 when not normalised; nil for scores made before
    /// it was recorded. An image's factor far from 1 on a well-scanned slide means pale or heavy
    /// counterstain, which scales DAB by the same factor.
    public var odScale: Double?
    /// Where `pixelSizeMicrons` came from; nil for scores made before it was recorded.
    public var pixelSizeSource: PixelSizeSource?
    /// The white point (R, G, B) optical density was computed against, and where it came from;
    /// nil for scores made before they were recorded.
    public var whitePoint: [Double]?
    public var whitePointSource: WhitePointSource?

    public init(image: String, marker: String, totals: TileTotals, qcFlags: [QCFlag], pixelSizeMicrons: Double,
                odScale: Double? = nil) {
        self.image = image; self.marker = marker; self.totals = totals
        self.qcFlags = qcFlags; self.pixelSizeMicrons = pixelSizeMicrons; self.odScale = odScale
    }
}
