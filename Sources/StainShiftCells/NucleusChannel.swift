/// The image nuclei are detected on.
public enum NucleusChannel: String, Sendable, Codable, CaseIterable {
    /// Hematoxylin OD: the counterstain of every nucleus (membrane and cytoplasmic markers).
    case hematoxylin
    /// Hematoxylin + DAB OD: a strongly DAB-stained nucleus looks brown, not blue, so nuclear
    /// markers (Ki67, HMGB1) detect on the sum.
    case hematoxylinPlusDAB
    /// OD summed over R, G and B, QuPath's "Optical density sum" detection image.
    case opticalDensitySum
}

/// How candidate nucleus pixels are found before splitting.
public enum ForegroundMethod: String, Sendable, Codable, CaseIterable {
    /// Smoothed channel above a fixed or automatic (Otsu) threshold.
    case threshold
    /// QuPath's WatershedCellDetection: positive Laplacian of Gaussian, watershed regions whose mean
    /// detection OD exceeds the threshold, then merged, hole-filled and split by shape.
    case laplacianOfGaussian
}
