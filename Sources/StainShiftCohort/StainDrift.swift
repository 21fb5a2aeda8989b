import StainShiftStains
import StainShiftFoundation

/// The colour shift between two stain matrices: the largest angle, in degrees, between the
/// hematoxylin vectors or between the DAB vectors.
///
/// Pre and post biopsies are often stained in different batches. A DAB vector rotated by θ moves
/// about sin θ of each stain's optical density into the wrong channel: at 5° that is 8.7%, the
/// size of the gap between neighbouring intensity bins near the 1+ threshold, so a shift above
/// `threshold` can read as a biological change and is flagged. Re-estimating stains (Macenko) on
/// tiles of one slide varies by a degree or two, so 5° separates batch effects from that noise.
public enum StainDrift {
    public static let threshold = 5.0

    public static func degrees(_ a: [StainVector], _ b: [StainVector]) -> Double {
        var worst = 0.0
        for role in [StainRole.hematoxylin, .dab] {
            guard let u = a.first(where: { $0.role == role }), let v = b.first(where: { $0.role == role }) else { continue }
            let dot = max(-1, min(1, u.r * v.r + u.g * v.g + u.b * v.b))
            worst = max(worst, acos(dot) * 180 / .pi)
        }
        return worst
    }
}

/// The intensity shift between two slides: the ratio (at least 1) of their OD factors, each the
/// median `od_scale` of the slide's tiles.
///
/// By default every tile's OD is multiplied by the factor that brings its hematoxylin to a fixed
/// level, which undoes a dimmer or brighter scanner but also reads a paler or heavier counterstain
/// as one, and then moves DAB by the same factor. The tiles of one consistently stained and scanned
/// cohort vary by about 15% either way (`samples/`: 0.80-1.10), so pre and post factors more than
/// `threshold` apart mean a different scanner (corrected) or a different counterstain (turned into
/// a DAB change), and are flagged. (The two OS-2 scans of one section: 1.76.) Under a fixed
/// `--od-scale` every factor is the same.
public enum ODScaleDrift {
    public static let threshold = 1.5

    /// The median factor of the slide's tiles that recorded one; nil when none did.
    public static func median(_ part: SlidePart) -> Double? {
        let factors = part.tiles.compactMap(\.score.odScale).filter { $0.isFinite && $0 > 0 }.sorted()
        guard !factors.isEmpty else { return nil }
        return Quantiles.median(sorted: factors)
    }

    public static func ratio(_ a: Double, _ b: Double) -> Double { max(a, b) / min(a, b) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
