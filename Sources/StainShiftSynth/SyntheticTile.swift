import StainShiftFoundation
import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

/// A Beer–Lambert generator of H-DAB tiles with exact per-cell truth.
///
/// Tissue is thresholded value noise on white glass; nuclei are wobbly ellipses (tumour: large,
/// pale, elongated; lymphocytes: small, round, dense), some placed touching; each cell is its
/// nucleus plus a cytoplasm rim cut at the Voronoi border with its neighbours, and a 1 µm
/// membrane ring. DAB is painted per compartment by the marker and each cell's bin, over a
/// non-specific background; the concentration maps are blurred, mixed through jittered stain
/// vectors (`I = I0 · 10^-(H·h + D·d)`, Ruifrok & Johnston 2001) and given Gaussian noise.
public enum SyntheticTile {
    /// Painted DAB OD range of each bin (compartment mean before blur): the middles sit between
    /// QuPath's 0.2 / 0.4 / 0.6 thresholds so a correct scorer recovers the painted bin.
    public static func odRange(_ bin: IntensityBin) -> ClosedRange<Double> {
        switch bin {
        case .negative: 0.02...0.08
        case .weak: 0.27...0.34
        case .moderate: 0.48...0.54
        case .strong: 0.72...0.95
        }
    }

    public static func generate(_ spec: TileSpec, seed: UInt64) -> (image: RGBImage, truth: TileTruth) {
        var layout = Layout(spec: spec, seed: seed)
        layout.placeCells()
        layout.rasterise()
        layout.assignBins()
        return layout.render()
    }
}

/// One tile under construction, built in four phases, one file each: `placeCells`
/// (Layout+Placement), `rasterise` (Layout+Rasterise), `assignBins` (Layout+Bins) and `render`
/// (Layout+Render). Every phase draws from its own `SplitMix64` stream of the tile's seed.
struct Layout {
    struct Nucleus {
        var x: Double, y: Double
        var a: Double, b: Double, angle: Double
        var w3: Double, p3: Double, w4: Double, p4: Double
        var lymphocyte: Bool
        var touching: Bool
        var meanRadius: Double { (a * b).squareRoot() }
        var maxRadius: Double { max(a, b) * (1 + w3 + w4) }

        /// Boundary radius (px) in direction `t` (radians, image frame).
        func radius(_ t: Double) -> Double {
            let u = t - angle
            let c = cos(u), s = sin(u)
            let r = a * b / ((b * c) * (b * c) + (a * s) * (a * s)).squareRoot()
            return r * (1 + w3 * cos(3 * u + p3) + w4 * cos(4 * u + p4))
        }
    }

    let spec: TileSpec
    let seed: UInt64
    let w: Int, h: Int
    let um: Double  // pixels per µm
    var rng: SplitMix64
    var tissue: [UInt8]
    var nuclei: [Nucleus] = []
    var nucleusLabels: [Int32]
    var cellLabels: [Int32]
    var membrane: [UInt8]
    var bins: [IntensityBin] = []
    var secondaryBins: [IntensityBin?] = []
    var primaryOD: [Double] = []
    var secondaryOD: [Double?] = []
    /// Stained membrane arc per cell: start angle and extent (2π: complete).
    var arcs: [(Double, Double)] = []

    init(spec: TileSpec, seed: UInt64) {
        self.spec = spec; self.seed = seed
        w = max(0, spec.width); h = max(0, spec.height)
        um = 1 / max(spec.pixelSizeMicrons, 1e-3)
        rng = SplitMix64(seed: seed, stream: 1)
        nucleusLabels = [Int32](repeating: 0, count: w * h)
        cellLabels = nucleusLabels
        membrane = [UInt8](repeating: 0, count: w * h)
        tissue = Layout.tissueMask(w, h, fraction: spec.tissueFraction, spacing: Paint.tissueMicrons * um, seed: seed)
    }
}

/// The painting constants of the synthetic tiles, named. Sizes are µm (scaled by the pixel size),
/// optical densities are OD units; none depends on a dataset. Changing one changes every tile a
/// seed gives, so they are fixed here rather than in `TileSpec`.
enum Paint {
    // Tissue mask (`tissueMask`): two octaves of value noise thresholded to the tissue fraction.
    /// Spacing of the coarse noise lattice: tissue islands a few hundred µm across.
    static let tissueMicrons = 90.0
    /// The fine octave's lattice is this many times finer, and weighs this much against the coarse one.
    static let tissueDetailScale = 3.0
    static let tissueDetailWeight: Float = 0.35
    /// Every this-many-th pixel is sampled for the threshold quantile (cheap and exact enough).
    static let tissueSampleStride = 7

    // Nucleus shapes (`newNucleus`): ellipses with 3rd and 4th harmonic boundary wobble.
    /// Largest long/short axis ratio: lymphocytes nearly round, tumour nuclei elongated.
    static let lymphocyteMaxAspect = 1.08
    static let tumourMaxAspect = 1.5
    /// Largest relative amplitude of the 3rd harmonic; the 4th gets this share of it.
    static let lymphocyteWobble = 0.02
    static let tumourWobble = 0.07
    static let fourthHarmonicShare = 0.6

    // Placement (`placeCells`): dart throwing.
    /// Darts per cell that fits in the tissue area, and a cap for very large tiles.
    static let attemptsPerCell = 12.0
    static let maxAttempts = 2_000_000.0
    /// Neighbours are searched within this many mean nucleus diameters beyond the gap.
    static let neighbourReach = 1.6
    /// A lymphocyte keeps this share of the spacing gap (they crowd between tumour cells).
    static let lymphocyteGapShare = 0.6
    /// Touching partners: centre distance as a share of the two radii (about a fifth overlapping),
    /// tried this many times.
    static let touchingDistance = 0.82
    static let partnerTries = 12

    // Bins (`assignBins`).
    /// 1+/2+/3+ shares of positive cells when the spec's weights are unusable.
    static let defaultBinWeights = [0.4, 0.35, 0.25]
    /// A partially stained membrane covers this fraction of the full circle.
    static let partialArc = 0.35...0.7

    // Rendering (`render`): concentration maps before blur, Beer–Lambert and noise.
    /// Lattice spacings of the chromatin texture and of the stroma's density variation.
    static let textureMicrons = 2.5
    static let stromaMicrons = 12.0
    /// Hematoxylin OD of nuclei: tumour 0.36-0.60, lymphocytes (dense chromatin) 0.78-0.98, so a
    /// tile's hematoxylin 99th percentile sits near 0.8, the level of a well-stained real scan
    /// (OS-2 Hamamatsu: 0.82; see `ODNormalisation`).
    static let tumourHematoxylin = 0.36...0.60
    static let lymphocyteHematoxylin = 0.78...0.98
    /// Chromatin texture: nuclear hematoxylin times 0.8-1.2.
    static let chromatinLow: Float = 0.8
    static let chromatinVariation: Float = 0.4
    /// Pale hematoxylin of stroma (0.05-0.15 by stroma density, plus texture) and of cytoplasm.
    static let stromaH: Float = 0.05
    static let stromaHVariation: Float = 0.10
    static let stromaHTexture: Float = 0.03
    static let cytoplasmH: Float = 0.10
    static let cytoplasmHTexture: Float = 0.04
    /// Non-specific DAB of stroma: the spec's background times 0.6-1.4 by stroma density.
    static let stromaDABLow: Float = 0.6
    static let stromaDABVariation: Float = 0.8
    /// Membranous markers leave this share of the membrane's DAB as a faint cytoplasmic blush.
    static let cytoplasmicBlush = 0.25
    /// Texture of every painted DAB level: times 0.92-1.08.
    static let dabLow: Float = 0.92
    static let dabVariation: Float = 0.16
    /// Floor of a jittered stain vector's components (before renormalisation), so none goes negative.
    static let minStainComponent = 0.01
}
