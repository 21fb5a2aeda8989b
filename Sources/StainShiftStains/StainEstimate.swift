/// Stain vectors estimated from pixels, with how far to trust them.
public struct StainEstimate: Sendable, Equatable {
    /// The estimated matrix, or the reference when estimation failed (`usedFallback`).
    public let matrix: StainMatrix
    /// 0 (fallback, no evidence) ... 1: planarity x separation x support; see `StainEstimation.macenko`.
    public let confidence: Double
    /// Why the estimate fell back to the reference, or what looks doubtful; nil when all is well.
    public let warning: String?
    /// True when `matrix` is the reference because the pixels could not support an estimate.
    public let usedFallback: Bool
    /// Pixels examined (deterministic subsample of all input pixels).
    public let sampledPixels: Int
    /// Of those, the stained ones the estimate rests on (OD above the threshold in every channel).
    public let stainedPixels: Int
    /// Angle in degrees between estimated and reference vectors of the same role.
    public let driftDegrees: [StainRole: Double]
}
