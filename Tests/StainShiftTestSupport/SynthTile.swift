import StainShiftFoundation
import Foundation
import StainShiftImaging

/// A small Beer–Lambert generator for the tissue and cells tests (the full generator is `StainShiftSynth`):
/// `RGB = 255 * 10^-(cH * H + cD * DAB)` with elliptical tumour nuclei, touching pairs, small dense
/// round lymphocytes, optional membrane / nuclear DAB, pale stroma, blur and noise, 0.5 µm pixels.
public struct SynthTile {
    public struct Nucleus: Sendable {
        public var x: Double, y: Double, a: Double, b: Double, angle: Double
        public var lymphocyte: Bool
        public var pair: Int?          // index of the nucleus it touches
        public var nuclearDAB: Double
        public var membraneDAB: Double
    }
    public var image: RGBImage
    public var nuclei: [Nucleus]

    /// Ruifrok & Johnston (2001) H and DAB OD vectors.
    public static let hVec = (0.650, 0.704, 0.286), dVec = (0.268, 0.570, 0.776)

    public static func make(width: Int, height: Int, seed: UInt64, membraneDAB: Bool = false, nuclearDABFraction: Double = 0.3,
                     noise: Double = 3, stromaH: Double = 0.06) -> SynthTile {
        var rng = SplitMix64(seed: seed)
        let px = 0.5
        let spacing = 18.0 / px
        var nuclei: [Nucleus] = []
        let cols = Int(Double(width) / spacing), rows = Int(Double(height) / spacing)
        for gy in 0..<rows {
            for gx in 0..<cols {
                let u = rng.uniform()
                guard u < 0.85 else { continue }
                let cx = (Double(gx) + 0.5) * spacing + (rng.uniform() - 0.5) * 4
                let cy = (Double(gy) + 0.5) * spacing + (rng.uniform() - 0.5) * 4
                let dab = rng.uniform() < nuclearDABFraction ? 0.3 + 0.5 * rng.uniform() : 0
                let mem = membraneDAB ? 0.4 + 0.4 * rng.uniform() : 0
                if u < 0.18 {
                    // Small, round, dense lymphocyte (radius 2.6-3.1 µm).
                    let r = (2.6 + 0.5 * rng.uniform()) / px
                    nuclei.append(Nucleus(x: cx, y: cy, a: r, b: r * 0.95, angle: 0, lymphocyte: true, pair: nil,
                                          nuclearDAB: 0, membraneDAB: mem))
                } else if u < 0.32 {
                    // A touching pair of tumour nuclei in one slot.
                    let r1 = (4.0 + rng.uniform()) / px, r2 = (4.0 + rng.uniform()) / px
                    let ang = rng.uniform() * Double.pi
                    let d = 0.9 * (r1 + r2)
                    let i = nuclei.count
                    nuclei.append(Nucleus(x: cx - cos(ang) * d / 2, y: cy - sin(ang) * d / 2, a: r1, b: r1 * 0.85,
                                          angle: ang, lymphocyte: false, pair: i + 1, nuclearDAB: dab, membraneDAB: 0))
                    nuclei.append(Nucleus(x: cx + cos(ang) * d / 2, y: cy + sin(ang) * d / 2, a: r2, b: r2 * 0.85,
                                          angle: ang, lymphocyte: false, pair: i, nuclearDAB: dab, membraneDAB: 0))
                } else {
                    let a = (4.2 + 1.6 * rng.uniform()) / px
                    nuclei.append(Nucleus(x: cx, y: cy, a: a, b: a * (0.65 + 0.25 * rng.uniform()), angle: rng.uniform() * Double.pi,
                                          lymphocyte: false, pair: nil, nuclearDAB: dab, membraneDAB: mem))
                }
            }
        }
        var hOD = [Double](repeating: stromaH, count: width * height)   // pale stroma / cytoplasm
        var dOD = [Double](repeating: 0.02, count: width * height)
        for nu in nuclei {
            let r = max(nu.a, nu.b) + 5.5 / px
            let c = cos(nu.angle), s = sin(nu.angle)
            for y in max(0, Int(nu.y - r))...min(height - 1, Int(nu.y + r)) {
                for x in max(0, Int(nu.x - r))...min(width - 1, Int(nu.x + r)) {
                    let dx = Double(x) + 0.5 - nu.x, dy = Double(y) + 0.5 - nu.y
                    let u = (dx * c + dy * s) / nu.a, v = (-dx * s + dy * c) / nu.b
                    let q = u * u + v * v
                    let i = y * width + x
                    if q <= 1 {
                        let texture = 1 + 0.12 * sin(Double(x) * 1.3) * cos(Double(y) * 1.7)
                        hOD[i] = max(hOD[i], (nu.lymphocyte ? 0.95 : 0.5) * texture)
                        dOD[i] = max(dOD[i], nu.nuclearDAB)
                    } else if nu.membraneDAB > 0 {
                        // Membrane at 4.5 µm beyond the nucleus edge along its radius, about 1 µm thick.
                        let dist = (q.squareRoot() - 1) * min(nu.a, nu.b) * px
                        if dist > 3.8 && dist < 4.8 { dOD[i] = max(dOD[i], nu.membraneDAB) }
                    }
                }
            }
        }
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        let vecs = [(hVec.0, dVec.0), (hVec.1, dVec.1), (hVec.2, dVec.2)]
        for i in 0..<(width * height) {
            for ch in 0..<3 {
                let od = hOD[i] * vecs[ch].0 + dOD[i] * vecs[ch].1
                let v = 255 * pow(10, -od) + noise * rng.normal()
                samples[3 * i + ch] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return SynthTile(image: RGBImage(width: width, height: height, samples: .uint8(samples), pixelSizeMicrons: px),
                         nuclei: nuclei)
    }
}
