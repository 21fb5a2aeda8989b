import Foundation
import Testing
import StainShiftImaging
@testable import StainShiftStains

@Suite struct StainEstimationTests {
    @Test func macenkoRecoversTheSynthesisVectors() throws {
        let image = Synth.twoStainImage(StainPresets.hDAB, width: 160, height: 160, seed: 11)
        let estimate = StainEstimation.macenko([image])
        #expect(!estimate.usedFallback)
        #expect(estimate.warning == nil)
        let drift = estimate.matrix.driftDegrees(from: StainPresets.hDAB)
        #expect((drift[.hematoxylin] ?? 99) < 3, "\(drift)")
        #expect((drift[.dab] ?? 99) < 3, "\(drift)")
        #expect(estimate.confidence > 0.8, "confidence \(estimate.confidence)")
    }

    /// Vectors rotated 12 degrees about an axis, away from the reference, are found, and the drift
    /// from the reference reports how far each one moved.
    @Test(arguments: [(0.2, 1.0, -0.6), (-1.0, 0.3, 0.4)])
    func macenkoFollowsRotatedVectors(axis: (Double, Double, Double)) throws {
        let h = Synth.rotate(StainPresets.hDAB.stains[0], degrees: 12, axis: axis)
        let d = Synth.rotate(StainPresets.hDAB.stains[1], degrees: 12, axis: axis)
        let truth = try StainMatrix(h, d)
        let image = Synth.twoStainImage(truth, width: 160, height: 160, seed: 5)
        let estimate = StainEstimation.macenko([image], reference: StainPresets.hDAB)
        #expect(!estimate.usedFallback)
        let drift = estimate.matrix.driftDegrees(from: truth)
        #expect((drift[.hematoxylin] ?? 99) < 3, "\(drift)")
        #expect((drift[.dab] ?? 99) < 3, "\(drift)")
        let moved = truth.driftDegrees(from: StainPresets.hDAB)
        #expect(moved.values.allSatisfy { $0 > 5 }, "\(moved)")
        for role in [StainRole.hematoxylin, .dab] {
            #expect(abs((estimate.driftDegrees[role] ?? 0) - (moved[role] ?? 0)) < 3)
        }
    }

    @Test func sixteenBitAndPooledTilesAgree() throws {
        let tiles = (0..<4).map { Synth.twoStainImage(StainPresets.hDAB, width: 64, height: 64, bitDepth: 16, seed: UInt64(20 + $0)) }
        let pooled = StainEstimation.macenko(tiles)
        #expect(!pooled.usedFallback)
        #expect(pooled.stainedPixels > 10_000)
        let drift = pooled.matrix.driftDegrees(from: StainPresets.hDAB)
        #expect(drift.values.allSatisfy { $0 < 3 }, "\(drift)")
        // Deterministic: the same input gives the same answer.
        #expect(StainEstimation.macenko(tiles) == pooled)
    }

    @Test func subsamplingKeepsTheAnswer() {
        let image = Synth.twoStainImage(StainPresets.hDAB, width: 200, height: 200, seed: 3)
        var options = MacenkoOptions()
        options.maxSamples = 5_000
        let estimate = StainEstimation.macenko([image], options: options)
        #expect(estimate.sampledPixels <= 5_000)
        #expect(estimate.matrix.driftDegrees(from: StainPresets.hDAB).values.allSatisfy { $0 < 3 })
    }

    @Test func tooFewStainedPixelsFallsBackWithAWarning() {
        let image = RGBImage(width: 100, height: 100, filling: (250, 248, 252))
        let estimate = StainEstimation.macenko([image])
        #expect(estimate.usedFallback)
        #expect(estimate.matrix == StainPresets.hDAB)
        #expect(estimate.confidence == 0)
        #expect(estimate.warning?.hasPrefix("only 0 stained pixels") == true)
        #expect(StainEstimation.macenko([]).usedFallback)
    }

    @Test func oneStainOnlyIsNotTrusted() {
        // Only hematoxylin: the two "extremes" coincide, so the estimate must not pass as confident.
        var values = [Float](repeating: 0, count: 3 * 4096)
        var rng = Xorshift(seed: 8)
        for i in 0..<4096 { values[i] = Float.random(in: 0.3...1.5, using: &rng) }
        let image = Deconvolution.compose(StainPlanes(width: 64, height: 64, matrix: StainPresets.hDAB, values: values))
        let estimate = StainEstimation.macenko([image])
        #expect(estimate.usedFallback || estimate.confidence < 0.5, "\(estimate)")
    }

    @Test func eigenDecompositionOfASymmetricMatrix() {
        let m = [4.0, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1]
        let (values, vectors) = SymmetricEigen.decompose(m)
        let l = [values.0, values.1, values.2]
        #expect(l[0] >= l[1] && l[1] >= l[2])
        #expect(abs(l.reduce(0, +) - 8) < 1e-12)
        for (k, v) in vectors.enumerated() {
            let x = [v.0, v.1, v.2]
            for i in 0..<3 {
                let mv = (0..<3).reduce(0.0) { $0 + m[3 * i + $1] * x[$1] }
                #expect(abs(mv - l[k] * x[i]) < 1e-10)
            }
        }
    }
}

@Suite struct BackgroundEstimatorTests {
    /// Glass at (240, 246, 251) around tissue: the estimate finds the glass colour per channel.
    @Test func findsTheGlassColour() {
        let tissue = Synth.twoStainImage(StainPresets.hDAB, width: 64, height: 64, seed: 1)
        guard case .uint8(var s) = tissue.samples else { Issue.record("expected 8-bit"); return }
        for i in 0..<(64 * 16) { s[3 * i] = 240; s[3 * i + 1] = 246; s[3 * i + 2] = 251 }
        let estimate = BackgroundEstimator.estimate(RGBImage(width: 64, height: 64, samples: .uint8(s)))
        #expect(estimate.warning == nil)
        #expect(estimate.whitePoint == (try? WhitePoint(r: 240, g: 246, b: 251)))
        #expect(estimate.tissueFreePixels >= 64 * 16)
    }

    @Test func sixteenBitGlass() {
        let s = [UInt16](repeating: 0, count: 3 * 400).enumerated().map { UInt16([60000, 62000, 64000][$0.offset % 3]) }
        let estimate = BackgroundEstimator.estimate(RGBImage(width: 20, height: 20, samples: .uint16(s)))
        #expect(estimate.whitePoint == (try? WhitePoint(r: 60000, g: 62000, b: 64000)))
    }

    @Test func tileFullOfTissueFallsBackToTheFixedWhite() {
        let tissue = Synth.twoStainImage(StainPresets.hDAB, width: 64, height: 64, seed: 2)
        let estimate = BackgroundEstimator.estimate(tissue)
        #expect(estimate.whitePoint == .fixed(bitDepth: 8))
        #expect(estimate.warning != nil)
    }
}
