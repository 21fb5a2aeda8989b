/// Settings of the tissue detector; sizes in µm and µm², converted to pixels once per tile.
public struct TissueParameters: Sendable, Equatable {
    /// Smoothed OD-sum above which a pixel is tissue. Glass in brightfield scans sits near 0.05;
    /// pale stroma is above 0.15 (checked on the OS-2 and scikit-image IHC images).
    public var odThreshold: Double = 0.15
    /// The threshold when OD is read against the white point measured on the glass: glass then sits
    /// near 0 instead of 0.05, and 0.15 cut off pale tissue with faint hematoxylin-only nuclei
    /// (BCData: Ki67 index error 15.2 -> 11.7 points, negative-nucleus recall up, at 0.08; 0.04 the same).
    public static let odThresholdOverEstimatedWhite = 0.08
    /// Gaussian sigma applied to the OD sum before thresholding, so isolated dust and JPEG noise do not count.
    public var smoothingMicrons: Double = 2
    /// Radius of the morphological closing that joins tissue across small gaps (e.g. lumens, tears).
    public var closingRadiusMicrons: Double = 5
    /// Tissue pieces and holes smaller than this are removed / filled (about five cells).
    public var minAreaMicrons2: Double = 500

    public init() {}
}
