/// Settings of nucleus and cell detection. Every size is in µm or µm² and converted to pixels once
/// per tile, so the same parameters mean the same thing at 20x and 40x.
///
/// Defaults (`init(pixelSizeMicrons:)`) are chosen for agreement across scanners: work at 0.5 µm,
/// one per-image OD scale from hematoxylin, QuPath's LoG foreground with an automatic floor, and a
/// nucleus-contrast check. Ki67 positivity rule for scoring: nucleus `dabMean` >= 0.2 (or 0.5), in
/// these normalised OD units; the two OS-2 scans then differ by 1.9 and 1.8 points (QuPath 3.1, 8.2).
public struct CellParameters: Sendable, Equatable {
    /// Physical size of one image pixel.
    public var pixelSizeMicrons: Double
    /// Image nuclei are detected on; scoring sets `.hematoxylinPlusDAB` for nuclear markers.
    public var channel: NucleusChannel = .hematoxylin
    /// Detection runs at this pixel size (QuPath's "requested pixel size", default 0.5 µm, so 20x
    /// and 40x scans are segmented on the same physical grid); nil or a value at or below the native
    /// size works at native resolution. Never upsamples. Labels and measurements are native.
    public var requestedPixelSizeMicrons: Double? = 0.5
    /// Multiply every OD by one per-image factor that brings the hematoxylin 99th percentile in
    /// tissue to 0.8 (see `StainEstimation`): scanners differ mostly by such a factor. Detection and
    /// measurements then use these normalised OD units; `CellSegmentation.odScale` holds the factor.
    /// Off by default: one image cannot tell a pale counterstain from a dim scan, and the factor
    /// then lifts blue nuclei over the DAB threshold (`--od-scale auto` turns it on).
    public var normaliseStains: Bool = false
    /// A fixed factor for every measured OD (compartment means and maxima, and through
    /// `CellSegmentation.odScale` the marker's DAB bins and pixel scores) instead of the image's own
    /// (`normaliseStains`; 1 without it). 1 reads OD as scanned: right when pre and post slides come
    /// from one scanner and the counterstain varies, since the image's factor reads a pale counterstain
    /// as a dim scan and raises weak DAB with it. Detection is unaffected: it keeps `normaliseStains`.
    public var measurementODScale: Float?
    /// How candidate nucleus pixels are found.
    public var foreground: ForegroundMethod = .laplacianOfGaussian
    /// Gaussian sigma of the detection channel (QuPath's default is 1.5 µm; 2 µm, as in the OS-2
    /// QuPath run, fragments fewer pale nuclei).
    public var sigmaMicrons: Double = 2
    /// Detection threshold in OD units (LoG foreground: the minimum mean detection OD of a nucleus;
    /// threshold foreground: the smoothed-channel cut); nil = automatic: Otsu (1979) within tissue on
    /// the smoothed channel (hematoxylin alone when the LoG foreground detects on H + DAB), never
    /// below `minimumAutomaticThreshold`.
    public var threshold: Double? = nil
    /// Floor of the automatic threshold, so a blank or pale tile does not turn noise into nuclei.
    public var minimumAutomaticThreshold: Double = 0.1
    /// Minimum contrast (detection OD) between a nucleus and the ring around it; nil = no check.
    /// Removes pale cytoplasmic texture that a scan with a grey background turns into "nuclei";
    /// 0.06 (normalised OD) was chosen on the two OS-2 scans. It also removes some pale
    /// hematoxylin-only nuclei (BCData, with the 0.1 detection threshold: recall 0.70 at 0.06, 0.72
    /// at 0.03), but 0.03 over-counts the synthetic tiles (every marker past the tests' tolerance)
    /// and moves the two OS-2 scans 3.5 Ki67 points apart, so it stays.
    public var minNucleusContrast: Double? = 0.06
    /// Width of the ring used for the contrast check.
    public var contrastRingMicrons: Double = 2
    /// A second detection on hematoxylin alone at this threshold (hematoxylin units); nil = one
    /// pass. Its nuclei are kept, and the first pass's only where they overlap none of them. The
    /// optical density sum finds DAB-filled nuclei (too little hematoxylin shows through for the
    /// second pass) but also brown cytoplasm, and a pale blue nucleus on a brownish background
    /// stands out less in it than in hematoxylin. Set by the default preset for nuclear markers
    /// (`TileScorer.cellParameters`).
    public var hematoxylinPassThreshold: Double?
    /// Nucleus area range; QuPath's defaults 10-400 µm².
    public var minNucleusAreaMicrons2: Double = 10
    public var maxNucleusAreaMicrons2: Double = 400
    /// Cells are nuclei grown by up to this distance without overlapping neighbours (QuPath default 5 µm).
    public var cellExpansionMicrons: Double = 5
    /// Thickness of the membrane ring at the cell's outer edge.
    public var membraneWidthMicrons: Double = 1
    /// Split touching nuclei with a distance-transform watershed.
    public var splitTouching: Bool = true
    /// A distance-transform maximum must rise this far above the saddle to seed its own nucleus
    /// (its h-maximum "dynamic"); half a working pixel at 0.5 µm, as ImageJ's EDM watershed.
    public var splitToleranceMicrons: Double = 0.25
    /// QuPath's boundary refinement after splitting (a sigma-1-pixel LoG trims blurred edges);
    /// used by the Laplacian-of-Gaussian foreground when sigma exceeds 1.5 pixels.
    public var refineBoundary: Bool = true
    /// Lymphocyte rule (nuclear morphology): small lymphocytes are 7-10 µm cells whose round, dense
    /// nucleus fills most of the cell (Young et al., Wheater's Functional Histology, 6th ed., ch. 4),
    /// i.e. a nucleus of at most ~7 µm diameter (38 µm²).
    public var lymphocyteMaxAreaMicrons2: Double = 40
    /// Minimum nucleus circularity 4πA/P² of a lymphocyte (round; tumour nuclei are larger and irregular).
    public var lymphocyteMinCircularity: Double = 0.8
    /// Dense chromatin: nucleus hematoxylin mean OD at least this (`MorphologyRule`). A fixed,
    /// physical level, so a nucleus's class never depends on the other nuclei of its tile; see
    /// `MorphologyRule.defaultMinHematoxylinOD` for how it was chosen.
    public var lymphocyteMinHematoxylinOD: Double = MorphologyRule.defaultMinHematoxylinOD

    /// The default preset's fixed detection threshold for nuclear markers, on the optical density
    /// sum (QuPath's detection image; its OS-2 run used 0.2 against a fixed white). 0.1, the floor
    /// the automatic threshold had: a hematoxylin-only nucleus of a pale counterstain reads 0.1-0.2
    /// OD sum against the glass's own white, so 0.15 lost the palest (dev set, every source scored:
    /// BCData recall 0.68 -> 0.70 and Ki67 index error 12.3 -> 9.4 points; EndoNuke F1 0.607 ->
    /// 0.604, NuClick and the Ki67 ROI unchanged; 0.05 and 0.08 give about the same).
    public static let defaultODSumThreshold = 0.1
    /// Detection on hematoxylin alone (membrane and cytoplasmic markers): 0.1 hematoxylin units, the
    /// floor the automatic threshold had (the Ruifrok-Johnston hematoxylin vector sums to 1.64 OD
    /// per unit, so this is 0.16 OD sum, about the OD-sum threshold's old 0.15). The dev set has no
    /// membrane marker to lower it on; the synthetic membrane tests hold at this level.
    public static let defaultHematoxylinThreshold = 0.1

    /// StainShift's defaults at the given pixel size.
    public init(pixelSizeMicrons: Double) {
        self.pixelSizeMicrons = pixelSizeMicrons
    }

    /// QuPath 0.3 positive cell detection as run for the OS-2 validation images
    /// (petebankhead/2022-qupath-cell-detection, "OS-2 Ki67 thresholds.groovy"): detection image
    /// "Optical density sum", requested pixel size 0.5 µm, background radius 0 and median 0 (both
    /// off in that run, so max background 2.0 has no effect), sigma 2 µm, nucleus area 10-400 µm²,
    /// watershed "split by shape" on, no cell expansion. Positive = nucleus DAB OD mean >= the DAB
    /// threshold, which is scoring's business.
    public static func qupath03(pixelSizeMicrons: Double, detectionThreshold: Double = 0.2) -> CellParameters {
        var p = CellParameters(pixelSizeMicrons: pixelSizeMicrons)
        p.channel = .opticalDensitySum
        p.requestedPixelSizeMicrons = 0.5
        p.foreground = .laplacianOfGaussian
        p.sigmaMicrons = 2
        p.threshold = detectionThreshold
        p.minNucleusAreaMicrons2 = 10
        p.maxNucleusAreaMicrons2 = 400
        p.cellExpansionMicrons = 0
        p.splitTouching = true
        // ImageJ's EDM watershed keeps maxima 0.5 pixel above the saddle on its own (smoothed) EDM;
        // on the exact EDT, 1.2 working pixels (0.6 µm) come closest to QuPath's counts on both OS-2
        // scans at both detection thresholds (worst case -9.7%; 0.5 µm over-counts the Olympus scan
        // by 14%, 1 µm under-counts it by 14%).
        p.splitToleranceMicrons = 0.6
        p.refineBoundary = true
        p.normaliseStains = false
        p.minNucleusContrast = nil
        return p
    }

    /// The classic pipeline at native resolution: Gaussian (1.5 µm) on the detection channel,
    /// automatic (Otsu) or fixed threshold, holes filled, exact distance transform, watershed from
    /// its h-maxima (0.25 µm), no per-image normalisation. Splits touching nuclei best on the
    /// synthetic truth; on real scans with grey backgrounds Otsu can merge nuclei, hence not the default.
    public static func distanceWatershed(pixelSizeMicrons: Double) -> CellParameters {
        var p = CellParameters(pixelSizeMicrons: pixelSizeMicrons)
        p.foreground = .threshold
        p.requestedPixelSizeMicrons = nil
        p.sigmaMicrons = 1.5
        p.splitToleranceMicrons = 0.25
        p.normaliseStains = false
        p.minNucleusContrast = nil
        return p
    }

    /// The pixel size actually used: finite and positive, else the CONTRACT default 0.5 µm.
    var safePixelSize: Double { pixelSizeMicrons.isFinite && pixelSizeMicrons > 0 ? pixelSizeMicrons : 0.5 }
}

/// Named detection settings, for the command line (`--preset`) and the scoring settings.
public enum DetectionPreset: String, Sendable, CaseIterable {
    /// StainShift's defaults, chosen for agreement across scanners (`CellParameters(pixelSizeMicrons:)`).
    case standard = "default"
    /// QuPath 0.3 positive cell detection as run for the OS-2 validation images (`CellParameters.qupath03`):
    /// optical density sum, sigma 2 µm, detection threshold 0.2 unless given, no cell expansion.
    case qupath03 = "qupath-0.3"
    /// The textbook threshold + distance-transform watershed (`CellParameters.distanceWatershed`).
    case distanceWatershed = "distance-watershed"

    /// The preset's parameters at `pixelSizeMicrons`; `threshold` (OD) replaces the automatic
    /// detection threshold (for qupath-0.3, its 0.2).
    public func parameters(pixelSizeMicrons px: Double, threshold: Double? = nil) -> CellParameters {
        var p: CellParameters
        switch self {
        case .standard: p = CellParameters(pixelSizeMicrons: px)
        case .qupath03: return .qupath03(pixelSizeMicrons: px, detectionThreshold: threshold ?? 0.2)
        case .distanceWatershed: p = .distanceWatershed(pixelSizeMicrons: px)
        }
        if let threshold { p.threshold = threshold }
        return p
    }
}
