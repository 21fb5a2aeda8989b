/// Where in a cell a marker is read.
public enum Compartment: String, Sendable, Codable, CaseIterable {
    case nucleus, cytoplasm, membrane, cell
}

/// DAB OD thresholds of the 1+, 2+ and 3+ bins (mean OD in the compartment).
public struct IntensityThresholds: Sendable, Equatable, Codable {
    public var weak: Double
    public var moderate: Double
    public var strong: Double

    public init(weak: Double, moderate: Double, strong: Double) {
        self.weak = weak; self.moderate = moderate; self.strong = strong
    }

    public func bin(_ od: Double) -> IntensityBin {
        od >= strong ? .strong : od >= moderate ? .moderate : od >= weak ? .weak : .negative
    }

    /// True when the three thresholds are finite and strictly increasing.
    public var isValid: Bool {
        weak.isFinite && moderate.isFinite && strong.isFinite && weak < moderate && moderate < strong
    }

    /// QuPath's positive cell detection defaults, 0.2 / 0.4 / 0.6 DAB OD
    /// (qupath `PositiveCellDetection`, "Threshold 1+/2+/3+").
    public static let qupath = IntensityThresholds(weak: 0.2, moderate: 0.4, strong: 0.6)
}

/// One named score of a marker, e.g. `tps` = 62.5.
public struct MarkerScore: Sendable, Equatable, Codable {
    public var name: String
    public var value: Double
    public init(name: String, value: Double) { self.name = name; self.value = value }
}

/// Which cells a marker's `percent_positive` and `hscore` count.
public enum CellPopulation: String, Sendable, Codable, CaseIterable {
    /// Tumour cells only; lymphocytes are counted apart (PD-L1 TPS, HLA-I, CRT, HMGB1).
    case tumour
    /// Every detected cell, as QuPath's positive cell detection counts them (Ki67 validation).
    case all
}

/// A marker is data: compartments, thresholds and the scores it reports.
public struct Marker: Sendable, Equatable, Codable {
    public var name: String
    public var displayName: String
    public var primary: Compartment
    public var secondary: Compartment?
    public var thresholds: IntensityThresholds
    /// Thresholds for tissue pixels (pixel-level scores).
    public var pixelThresholds: IntensityThresholds
    /// Detect nuclei on hematoxylin + DAB (nuclear markers) rather than hematoxylin alone.
    public var nuclearStain: Bool
    /// Where the rule comes from.
    public var source: String
    /// Thresholds of the secondary compartment (nil: the primary thresholds).
    public var secondaryThresholds: IntensityThresholds?
    /// Cells counted by `percent_positive` and `hscore`.
    public var population: CellPopulation
    /// Compartment whose bins give `hscore` (the primary, or `.cell` for a whole-cell H-score).
    public var hscoreCompartment: Compartment
    /// Marker-specific scores, in reporting order, after the common ones.
    public var formulas: [ScoreFormula]
    /// When set, a cell's membrane reading is the mean DAB of the brightest this-fraction of its
    /// non-nuclear pixels rather than the mean of the 1 µm ring: partial membrane staining then
    /// counts, as the 22C3 TPS definition asks, and a cell border misplaced by a pixel or two does
    /// not dilute it. Nil: ring mean (QuPath's "Membrane: DAB OD mean").
    public var membraneTopFraction: Double? = nil
    /// When set (in [0, 1)), a cell's membrane reading is the brightest half of its ring (8 sectors
    /// of 45°) with this share of the cell's own cytoplasm removed, `(ring - share x cytoplasm) /
    /// (1 - share)` (see `MembraneSectors`): for markers whose cytoplasm stains too (CRT). Takes
    /// precedence over `membraneTopFraction`.
    public var membraneCytoplasmShare: Double? = nil

    public init(name: String, displayName: String, primary: Compartment, secondary: Compartment?,
                thresholds: IntensityThresholds, pixelThresholds: IntensityThresholds,
                nuclearStain: Bool, source: String) {
        self.init(name: name, displayName: displayName, primary: primary, secondary: secondary,
                  thresholds: thresholds, pixelThresholds: pixelThresholds, nuclearStain: nuclearStain,
                  source: source, secondaryThresholds: nil, population: .tumour,
                  hscoreCompartment: primary, formulas: [])
    }

    public init(name: String, displayName: String, primary: Compartment, secondary: Compartment?,
                thresholds: IntensityThresholds, pixelThresholds: IntensityThresholds,
                nuclearStain: Bool, source: String, secondaryThresholds: IntensityThresholds?,
                population: CellPopulation, hscoreCompartment: Compartment, formulas: [ScoreFormula]) {
        self.name = name; self.displayName = displayName; self.primary = primary; self.secondary = secondary
        self.thresholds = thresholds; self.pixelThresholds = pixelThresholds
        self.nuclearStain = nuclearStain; self.source = source
        self.secondaryThresholds = secondaryThresholds; self.population = population
        self.hscoreCompartment = hscoreCompartment; self.formulas = formulas
    }

    /// Thresholds used on the secondary compartment.
    public var effectiveSecondaryThresholds: IntensityThresholds { secondaryThresholds ?? thresholds }

    /// True when the marker is read on the membrane (primary or secondary): overlays draw the ring.
    public var readsMembrane: Bool { primary == .membrane || secondary == .membrane }
}
