import StainShiftStains

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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
