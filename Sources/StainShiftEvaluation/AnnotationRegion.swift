import Foundation

/// One annotation of a QuPath export: its name, class and area, for `score --regions`.
public struct AnnotationRegion: Sendable, Equatable {
    /// `properties.name`, else `region N` (its 1-based place in the file).
    public var name: String
    /// The classification name as written (`Tumor`, `Stroma`, `Ignore*`), empty when unclassified.
    public var className: String
    public var shape: RegionShape

    public init(name: String, className: String, shape: RegionShape) {
        self.name = name; self.className = className; self.shape = shape
    }

    /// QuPath's `Ignore*` class (and anything starting with `Ignore`): areas whose cells are left out.
    public var isIgnored: Bool { className.lowercased().hasPrefix("ignore") }

    /// Whether the region is chosen by `--region-class` (case-insensitive; every class when nil).
    /// An ignored region is never chosen.
    public func isChosen(byClass wanted: String?) -> Bool {
        guard !isIgnored else { return false }
        guard let wanted else { return true }
        return className.compare(wanted, options: .caseInsensitive) == .orderedSame
    }
}
