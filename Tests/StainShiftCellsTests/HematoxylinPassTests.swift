import Foundation
import Testing
import StainShiftImaging
import StainShiftStains
@testable import StainShiftCells

/// The default preset's two detection passes for nuclear markers: the optical density sum, then
/// hematoxylin alone (`CellParameters.hematoxylinPassThreshold`). Three 5 µm-radius nuclei at
/// 0.5 µm/px: one filled with DAB (too little hematoxylin for the second pass), one pale blue
/// inside a ring of brown cytoplasm, one ordinary blue.
@Suite struct HematoxylinPassTests {
    static let centres: [(x: Double, y: Double)] = [(32, 32), (96, 32), (64, 96)]

    static func image() -> RGBImage {
        let w = 128, h = 128
        var s = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                var hOD = 0.02, dOD = 0.0
                for (k, c) in centres.enumerated() {
                    let r = ((Double(x) + 0.5 - c.x) * (Double(x) + 0.5 - c.x) + (Double(y) + 0.5 - c.y) * (Double(y) + 0.5 - c.y)).squareRoot()
                    switch k {
                    case 0 where r <= 10: hOD = 0.05; dOD = 1.0
                    case 1 where r <= 10: hOD = 0.15
                    case 1 where r <= 18: dOD = 0.3
                    case 2 where r <= 10: hOD = 0.6
                    default: break
                    }
                }
                let od = [0.650 * hOD + 0.268 * dOD, 0.704 * hOD + 0.570 * dOD, 0.286 * hOD + 0.776 * dOD]
                for k in 0..<3 { s[3 * (y * w + x) + k] = UInt8(max(0, min(255, (255 * pow(10, -od[k])).rounded()))) }
            }
        }
        return RGBImage(width: w, height: h, samples: .uint8(s), pixelSizeMicrons: 0.5)
    }

    static func parameters(secondPass: Bool) -> CellParameters {
        var p = CellParameters(pixelSizeMicrons: 0.5)
        p.channel = .opticalDensitySum
        p.threshold = CellParameters.defaultODSumThreshold
        p.measurementODScale = 1
        p.hematoxylinPassThreshold = secondPass ? CellParameters.defaultHematoxylinThreshold : nil
        return p
    }

    @Test func everyNucleusIsFoundOnceWithBothPasses() throws {
        let planes = Deconvolution.deconvolve(Self.image(), matrix: StainPresets.hDAB, background: nil)
        let seg = CellDetector.detect(planes, tissue: nil, parameters: Self.parameters(secondPass: true))
        #expect(seg.cells.count == 3, "\(seg.cells.map { ($0.centroidX, $0.centroidY) })")
        for c in Self.centres {
            let near = seg.cells.filter { abs($0.centroidX - c.x) < 4 && abs($0.centroidY - c.y) < 4 }
            #expect(near.count == 1, "nucleus at \(c): \(near.count) cells")
        }
        // The DAB-filled nucleus comes from the first pass, measured as brown.
        let brown = try #require(seg.cells.first { abs($0.centroidX - 32) < 4 && abs($0.centroidY - 32) < 4 })
        #expect(brown.nucleus.dabMean > 0.5)
        // Labels are 1...count, each nucleus its own, its cell around it.
        #expect(Set(seg.cells.map(\.label)) == Set((1...Int32(seg.cells.count)).map { $0 }))
        for i in seg.nucleusLabels.indices where seg.nucleusLabels[i] != 0 { #expect(seg.cellLabels[i] == seg.nucleusLabels[i]) }
    }
}
