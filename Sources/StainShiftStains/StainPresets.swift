/// A named, cited stain set.
public struct StainPreset: Sendable, Equatable {
    /// The name `--stains` accepts, e.g. `h-dab`.
    public let name: String
    public let matrix: StainMatrix
    /// Where the vectors come from.
    public let citation: String
}

/// Named stain sets, each with its source. Vectors are given as published and normalised on load.
public enum StainPresets {
    /// Hematoxylin + DAB, Ruifrok & Johnston (2001), Anal Quant Cytol Histol 23:291-299;
    /// the CONTRACT default: H (0.650, 0.704, 0.286), DAB (0.268, 0.570, 0.776).
    public static let hDAB = make(.hematoxylin, (0.650, 0.704, 0.286), .dab, (0.268, 0.570, 0.776))

    /// Hematoxylin + eosin, Ruifrok & Johnston (2001) as in ImageJ's Colour Deconvolution (Landini):
    /// H (0.650, 0.704, 0.286), E (0.072, 0.990, 0.105).
    public static let hE = make(.hematoxylin, (0.650, 0.704, 0.286), .eosin, (0.072, 0.990, 0.105))

    /// Hematoxylin + eosin + DAB, Ruifrok & Johnston (2001) as scikit-image's `rgb_from_hed`:
    /// H (0.65, 0.70, 0.29), E (0.07, 0.99, 0.11), DAB (0.27, 0.57, 0.78).
    public static let hEDAB = make(.hematoxylin, (0.65, 0.70, 0.29), .eosin, (0.07, 0.99, 0.11),
                                   third: (.dab, (0.27, 0.57, 0.78)))

    /// Hematoxylin + AEC, ImageJ's Colour Deconvolution (Landini) and scikit-image's `rgb_from_hax`:
    /// H (0.650, 0.704, 0.286), AEC (0.2743, 0.6796, 0.6803).
    public static let hAEC = make(.hematoxylin, (0.650, 0.704, 0.286), .aec, (0.2743, 0.6796, 0.6803))

    /// QuPath's default H-DAB vectors (QuPath 0.3, `ColorDeconvolutionStains.DEFAULT_HDAB`), the
    /// settings behind the validation results in `shared/validation`:
    /// H (0.65111, 0.70119, 0.29049), DAB (0.26917, 0.56824, 0.77759).
    public static let quPathHDAB = make(.hematoxylin, (0.65111, 0.70119, 0.29049), .dab, (0.26917, 0.56824, 0.77759))

    /// QuPath's default H&E vectors (QuPath 0.3, `ColorDeconvolutionStains.DEFAULT_H_E`):
    /// H (0.65111, 0.70119, 0.29049), E (0.2159, 0.8012, 0.5581).
    public static let quPathHE = make(.hematoxylin, (0.65111, 0.70119, 0.29049), .eosin, (0.2159, 0.8012, 0.5581))

    /// Every preset, the CONTRACT default first.
    public static let all: [StainPreset] = [
        StainPreset(name: "h-dab", matrix: hDAB,
                    citation: "Ruifrok & Johnston (2001) Anal Quant Cytol Histol 23:291-299; CONTRACT default"),
        StainPreset(name: "h-e", matrix: hE,
                    citation: "Ruifrok & Johnston (2001); values as in ImageJ Colour Deconvolution (G. Landini)"),
        StainPreset(name: "h-e-dab", matrix: hEDAB,
                    citation: "Ruifrok & Johnston (2001); values as scikit-image rgb_from_hed"),
        StainPreset(name: "h-aec", matrix: hAEC,
                    citation: "ImageJ Colour Deconvolution (G. Landini); scikit-image rgb_from_hax"),
        StainPreset(name: "qupath-h-dab", matrix: quPathHDAB,
                    citation: "QuPath 0.3 default H-DAB stains (Bankhead et al. 2017, Sci Rep 7:16878)"),
        StainPreset(name: "qupath-h-e", matrix: quPathHE,
                    citation: "QuPath 0.3 default H&E stains (Bankhead et al. 2017, Sci Rep 7:16878)"),
    ]

    /// The preset called `name` (case-insensitive), if any.
    public static func named(_ name: String) -> StainPreset? {
        let key = name.lowercased()
        return all.first { $0.name == key }
    }

    private static func make(_ r1: StainRole, _ v1: (Double, Double, Double), _ r2: StainRole, _ v2: (Double, Double, Double),
                             third: (StainRole, (Double, Double, Double))? = nil) -> StainMatrix {
        do {
            let a = try StainVector(role: r1, r: v1.0, g: v1.1, b: v1.2)
            let b = try StainVector(role: r2, r: v2.0, g: v2.1, b: v2.2)
            let c = try third.map { t throws(StainError) in try StainVector(role: t.0, r: t.1.0, g: t.1.1, b: t.1.2) }
            return try StainMatrix(a, b, c)
        } catch { preconditionFailure("built-in preset is valid: \(error)") }
    }
}
