import StainShiftFoundation
import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

extension Layout {
    /// Concentration maps → blur → jittered Beer–Lambert → noise → 8-bit RGB, plus the truth.
    mutating func render() -> (image: RGBImage, truth: TileTruth) {
        let n = w * h
        var hem = [Float](repeating: 0, count: n), dab = [Float](repeating: 0, count: n)
        var trng = SplitMix64(seed: seed, stream: 4)
        let texture = n > 0 ? ValueNoise.field(w, h, spacing: Paint.textureMicrons * um, rng: &trng) : []
        let stroma = n > 0 ? ValueNoise.field(w, h, spacing: Paint.stromaMicrons * um, rng: &trng) : []
        let nuclearH: [Double] = nuclei.map {
            let r = $0.lymphocyte ? Paint.lymphocyteHematoxylin : Paint.tumourHematoxylin
            return trng.uniform(r.lowerBound, r.upperBound)
        }
        let marker = spec.marker
        let bg = Float(spec.backgroundDAB)
        for i in 0..<n where tissue[i] != 0 {
            let l = Int(cellLabels[i])
            let tex = texture[i]
            if l == 0 {
                hem[i] = Paint.stromaH + Paint.stromaHVariation * stroma[i] + Paint.stromaHTexture * tex
                dab[i] = bg * (Paint.stromaDABLow + Paint.stromaDABVariation * stroma[i])
                continue
            }
            let k = l - 1
            let inNucleus = nucleusLabels[i] != 0
            let compartment: Compartment = inNucleus ? .nucleus : membrane[i] != 0 ? .membrane : .cytoplasm
            if inNucleus {
                hem[i] = Float(nuclearH[k]) * (Paint.chromatinLow + Paint.chromatinVariation * tex)
            } else {
                hem[i] = Paint.cytoplasmH + Paint.cytoplasmHTexture * tex
            }
            // The painted level is the compartment's whole DAB; non-specific background is its floor.
            var d = Double(bg)
            if compartment == marker.primary, compartment != .membrane || inArc(k, i) {
                d = max(d, primaryOD[k])
            } else if let s = marker.secondary, let od = secondaryOD[k],
                      compartment == s || (s == .cytoplasm && compartment == .membrane) {
                d = max(d, od)  // cytoplasmic staining fills the cell up to its membrane
            } else if marker.primary == .membrane, compartment == .cytoplasm, marker.secondary == nil {
                d = max(d, Paint.cytoplasmicBlush * primaryOD[k])
            }
            dab[i] = Float(d) * (Paint.dabLow + Paint.dabVariation * tex)
        }
        if spec.counterstain != 1 {
            let c = Float(max(0, spec.counterstain))
            for i in 0..<n { hem[i] *= c }
        }
        Blur.gaussian(&hem, w, h, sigma: spec.blurSigmaPixels)
        Blur.gaussian(&dab, w, h, sigma: spec.blurSigmaPixels)
        let stains = jitteredStains(&trng)
        let hv = stains.stains[0], dv = stains.stains[1]
        var out = [UInt8](repeating: 0, count: 3 * n)
        var nrng = SplitMix64(seed: seed, stream: 5)
        let i0 = spec.backgroundLevel
        let coef: [(Double, Double)] = [(hv.r, dv.r), (hv.g, dv.g), (hv.b, dv.b)]
        for i in 0..<n {
            let hc = Double(hem[i]), dc = Double(dab[i])
            for c in 0..<3 {
                let od = hc * coef[c].0 + dc * coef[c].1
                var v = i0 * pow(10, -od)
                if spec.noise > 0 { v += spec.noise * nrng.normal() }
                out[3 * i + c] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        let image = RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: spec.pixelSizeMicrons)
        return (image, truth(stains))
    }

    /// True when pixel `i` lies on the stained arc of cell `k`'s membrane.
    func inArc(_ k: Int, _ i: Int) -> Bool {
        let (start, extent) = arcs[k]
        if extent >= 2 * .pi { return true }
        let x = Double(i % w) + 0.5 - nuclei[k].x, y = Double(i / w) + 0.5 - nuclei[k].y
        var a = atan2(y, x) - start
        while a < 0 { a += 2 * .pi }
        while a >= 2 * .pi { a -= 2 * .pi }
        return a <= extent
    }

    /// Each stain vector turned by a small random rotation (Gaussian components, renormalised).
    func jitteredStains(_ r: inout SplitMix64) -> StainMatrix {
        let sd = sin(spec.stainJitterDegrees * .pi / 180)
        func jitter(_ v: StainVector) -> StainVector {
            guard sd > 0 else { return v }
            let c = [v.r + sd * r.normal(), v.g + sd * r.normal(), v.b + sd * r.normal()].map { max(Paint.minStainComponent, $0) }
            return (try? StainVector(role: v.role, r: c[0], g: c[1], b: c[2])) ?? v
        }
        let a = jitter(spec.stains.stains[0]), b = jitter(spec.stains.stains[1])
        return (try? StainMatrix(a, b)) ?? spec.stains
    }

    func truth(_ stains: StainMatrix) -> TileTruth {
        var sumX = [Double](repeating: 0, count: nuclei.count), sumY = sumX
        var area = [Int](repeating: 0, count: nuclei.count)
        for y in 0..<h {
            for x in 0..<w {
                let l = Int(nucleusLabels[y * w + x])
                guard l > 0 else { continue }
                sumX[l - 1] += Double(x) + 0.5; sumY[l - 1] += Double(y) + 0.5; area[l - 1] += 1
            }
        }
        let cells = nuclei.indices.map { k in
            CellTruth(label: Int32(k + 1), cellClass: nuclei[k].lymphocyte ? .lymphocyte : .tumour,
                      bin: bins[k], secondaryBin: secondaryBins[k],
                      centroidX: area[k] > 0 ? sumX[k] / Double(area[k]) : nuclei[k].x,
                      centroidY: area[k] > 0 ? sumY[k] / Double(area[k]) : nuclei[k].y,
                      nucleusAreaPixels: area[k], primaryOD: primaryOD[k], secondaryOD: secondaryOD[k],
                      touching: nuclei[k].touching)
        }
        return TileTruth(width: w, height: h, pixelSizeMicrons: spec.pixelSizeMicrons, marker: spec.marker.name,
                         cells: cells, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                         membraneMask: membrane, tissueMask: tissue, stains: stains)
    }
}
