/// Named stain sets.
public enum StainPresets {
    /// Hematoxylin + DAB, Ruifrok & Johnston (2001), Anal Quant Cytol Histol 23:291-299;
    /// the CONTRACT default: H (0.650, 0.704, 0.286), DAB (0.268, 0.570, 0.776).
    public static let hDAB: StainMatrix = {
        do {
            return try StainMatrix(StainVector(role: .hematoxylin, r: 0.650, g: 0.704, b: 0.286),
                                   StainVector(role: .dab, r: 0.268, g: 0.570, b: 0.776))
        } catch { preconditionFailure("built-in preset is valid: \(error)") }
    }()
}
