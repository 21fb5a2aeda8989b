import Foundation

/// One expert point: image pixel coordinates (origin top-left, x = column) and its label.
public struct AnnotationPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// Normalised label (`AnnotationPoint.normalise`): `positive`, `negative`, or a cell class
    /// such as `tumour`, `lymphocyte`, `stroma`, `other`.
    public var label: String

    public init(x: Double, y: Double, label: String) { self.x = x; self.y = y; self.label = label }

    /// True for `positive` and `negative`, the labels that give an image its true index.
    public var isPositivity: Bool { label == Self.positive || label == Self.negative }

    public static let positive = "positive"
    public static let negative = "negative"
    /// The label of a point whose file gives none.
    public static let unlabelled = "unlabelled"

    /// Lower-cased and trimmed; QuPath's `1+`/`2+`/`3+` read as positive, `Tumor` as `tumour`,
    /// and a derived class such as `Tumor: Positive` by its last part when that is a positivity label.
    public static func normalise(_ raw: String) -> String {
        let s = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if s.isEmpty { return unlabelled }
        if ["1+", "2+", "3+"].contains(s) { return positive }
        if s == "tumor" { return "tumour" }
        if let last = s.split(separator: ":").last, s.contains(":") {
            let tail = normalise(String(last))
            if tail == positive || tail == negative { return tail }
        }
        return s
    }
}
