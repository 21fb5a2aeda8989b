/// The little of Aperio's SVS ImageDescription StainShift needs when reading an SVS through
/// libtiff: the level-0 pixel size. The description is one line, `Aperio Image Library v...`
/// followed by `|`-separated `key = value` fields such as `MPP = 0.4990` and `AppMag = 20`
/// (the fields OpenSlide exposes as `aperio.MPP`, `aperio.AppMag`).
enum AperioMetadata {
    /// `MPP` (µm per pixel) of an Aperio description; nil for other descriptions or bad values.
    static func micronsPerPixel(_ description: String) -> Double? {
        guard description.hasPrefix("Aperio") else { return nil }
        for field in description.split(separator: "|").dropFirst() {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "MPP" else { continue }
            guard let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else { return nil }
            return value
        }
        return nil
    }
}
