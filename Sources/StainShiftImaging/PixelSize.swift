/// Checks on declared pixel sizes.
enum PixelSize {
    /// The coarsest pixel size taken as a real microscope calibration: 25 µm/px (about 1000
    /// dpi). Coarser values are display or print defaults written by image editors (72 dpi =
    /// 353 µm, 96 dpi = 265 µm, 300 dpi = 85 µm) and would wreck size-based steps such as nucleus
    /// area limits, so they count as unknown. Whole-slide scanners image at 0.1-1 µm/px, and even
    /// slide overview images are below 25 µm/px.
    static let coarsestMicrons = 25.0

    /// `microns` when it is a plausible calibration, nil otherwise.
    static func plausible(_ microns: Double?) -> Double? {
        guard let microns, microns.isFinite, microns > 0, microns <= coarsestMicrons else { return nil }
        return microns
    }
}
