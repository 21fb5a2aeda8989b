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
}

/// One named score of a marker, e.g. `tps` = 62.5.
public struct MarkerScore: Sendable, Equatable, Codable {
    public var name: String
    public var value: Double
    public init(name: String, value: Double) { self.name = name; self.value = value }
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

    public init(name: String, displayName: String, primary: Compartment, secondary: Compartment?,
                thresholds: IntensityThresholds, pixelThresholds: IntensityThresholds,
                nuclearStain: Bool, source: String) {
        self.name = name; self.displayName = displayName; self.primary = primary; self.secondary = secondary
        self.thresholds = thresholds; self.pixelThresholds = pixelThresholds
        self.nuclearStain = nuclearStain; self.source = source
    }
}
