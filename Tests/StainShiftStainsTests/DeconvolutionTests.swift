import Foundation
import Testing
import StainShiftImaging
@testable import StainShiftStains

@Suite struct DeconvolutionTests {
    @Test(arguments: [8, 16])
    func whiteHasZeroOpticalDensity(bits: Int) {
        let white = bits == 16 ? 65535 : 255
        let n = 5 * 3
        let image = RGBImage(width: 5, height: 3, samples: bits == 16 ? .uint16(.init(repeating: UInt16(white), count: 3 * n))
                                                                      : .uint8(.init(repeating: 255, count: 3 * n)))
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
        #expect(planes.values.count == 3 * n)
        #expect(planes.values.allSatisfy { $0 == 0 })
    }

    /// A pixel made from 0.8 OD of hematoxylin and 0.3 OD of DAB by Beer-Lambert gives them back.
    @Test(arguments: [8, 16])
    func beerLambertPixelGivesItsAmountsBack(bits: Int) throws {
        let m = StainPresets.hDAB
        let h = m.stains[0], d = m.stains[1]
        let top = bits == 16 ? 65535.0 : 255.0
        let rgb = [0, 1, 2].map { ch in (top * pow(10, -(0.8 * h.components[ch] + 0.3 * d.components[ch]))).rounded() }
        let image = RGBImage(width: 1, height: 1, samples: bits == 16 ? .uint16(rgb.map { UInt16($0) }) : .uint8(rgb.map { UInt8($0) }))
        let planes = Deconvolution.deconvolve(image, matrix: m)
        // Rounding to a sample moves OD by up to 0.5 / v / ln 10: about 0.01 at 8 bits, 4e-5 at 16.
        let tolerance: Float = bits == 16 ? 2e-4 : 0.02
        #expect(abs(try #require(planes.plane(.hematoxylin))[0] - 0.8) < tolerance)
        #expect(abs(try #require(planes.plane(.dab))[0] - 0.3) < tolerance)
        #expect(abs(try #require(planes.plane(.residual))[0]) < tolerance)
    }

    /// Concentrations -> RGB (Beer-Lambert) -> concentrations, for every preset, at 16 bits.
    @Test func concentrationsRoundTripThroughRGB() throws {
        var rng = Xorshift(seed: 7)
        for preset in StainPresets.all {
            let n = 64
            var values = [Float](repeating: 0, count: 3 * n)
            for i in 0..<(2 * n) { values[i] = Float.random(in: 0...1.5, using: &rng) }
            if !preset.matrix.derivedThird { for i in (2 * n)..<(3 * n) { values[i] = Float.random(in: 0...0.5, using: &rng) } }
            let truth = StainPlanes(width: 8, height: 8, matrix: preset.matrix, values: values)
            let rgb = Deconvolution.compose(truth, bitDepth: 16)
            let back = Deconvolution.deconvolve(rgb, matrix: preset.matrix)
            let worst = zip(back.values, values).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 2e-3, "\(preset.name): worst error \(worst)")
        }
    }

    /// Every pixel equals a float64 evaluation of the CONTRACT formula within 1e-4 OD: random 8- and
    /// 16-bit pixels, a per-channel white point, and a size that leaves a ragged end for the vector loop.
    @Test(arguments: [8, 16])
    func kernelMatchesFloat64Reference(bits: Int) throws {
        let image = Synth.randomImage(width: 37, height: 29, bitDepth: bits, seed: UInt64(bits))
        let whites = [WhitePoint.fixed(bitDepth: bits),
                      try WhitePoint(r: bits == 16 ? 61000 : 241, g: bits == 16 ? 63000 : 247, b: bits == 16 ? 64000 : 252)]
        for matrix in [StainPresets.hDAB, StainPresets.hEDAB] {
            for white in whites {
                let planes = Deconvolution.deconvolve(image, matrix: matrix, whitePoint: white)
                let samples: [Double] = switch image.samples {
                case .uint8(let s): s.map(Double.init)
                case .uint16(let s): s.map(Double.init)
                }
                let n = image.pixelCount, w = white.components
                var worst = 0.0
                for i in 0..<n {
                    let od = (0..<3).map { ODTable.opticalDensity(samples[3 * i + $0], white: w[$0]) }
                    for k in 0..<3 {
                        let c = od[0] * matrix.inverse[k] + od[1] * matrix.inverse[3 + k] + od[2] * matrix.inverse[6 + k]
                        worst = max(worst, abs(c - Double(planes.values[k * n + i])))
                    }
                }
                #expect(worst < 1e-4, "bits \(bits) white \(white): worst \(worst)")
            }
        }
    }

    @Test(arguments: [8, 16])
    func outputBytesDoNotDependOnThreads(bits: Int) {
        let image = Synth.randomImage(width: 203, height: 67, bitDepth: bits, seed: 99)
        let one = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, threads: 1).values
        for threads in [2, 3, 8] {
            let many = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, threads: threads).values
            #expect(one.map(\.bitPattern) == many.map(\.bitPattern), "threads \(threads)")
        }
    }

    @Test func bufferIsReusedAcrossTilesOfTheSameSize() {
        let deconvolver = Deconvolver(matrix: StainPresets.hDAB, whitePoint: .fixed(bitDepth: 8), bitDepth: 8)
        var planes = StainPlanes(matrix: StainPresets.hDAB)
        let a = Synth.randomImage(width: 64, height: 32, bitDepth: 8, seed: 1)
        let b = Synth.randomImage(width: 64, height: 32, bitDepth: 8, seed: 2)
        deconvolver.run(a, into: &planes)
        let address = planes.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        deconvolver.run(b, into: &planes)
        #expect(planes.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == address)
        #expect(planes.values == deconvolver.run(b).values)
        // A tile of another size reshapes the buffer.
        let c = Synth.randomImage(width: 10, height: 3, bitDepth: 8, seed: 3)
        deconvolver.run(c, into: &planes)
        #expect(planes.width == 10 && planes.height == 3 && planes.values.count == 90)
    }

    @Test func emptyImageGivesEmptyPlanes() {
        let image = RGBImage(width: 0, height: 0, samples: .uint8([]))
        #expect(Deconvolution.deconvolve(image, matrix: StainPresets.hDAB).values.isEmpty)
    }

    @Test func clipAndMean() {
        var planes = StainPlanes(width: 2, height: 1, matrix: StainPresets.hDAB, values: [-1, 3, 0.5, 0.5, 2, -2])
        #expect(planes.mean(.hematoxylin) == 1)
        planes.clipNegatives()
        #expect(planes.values == [0, 3, 0.5, 0.5, 2, 0])
        #expect(planes.mean(.residual) == 1)
        #expect(planes.mean(.eosin) == nil)
    }

    @Test func previewColourFollowsTheVector() {
        let dab = StainPresets.hDAB.stains[1]
        let (r, g, b) = dab.colour(amount: 1)
        // DAB absorbs blue most, so it looks brown: red > green > blue.
        #expect(r > g && g > b)
        #expect(dab.colour(amount: 0) == (255, 255, 255))
        #expect(dab.colour(amount: -3) == (255, 255, 255))
    }
}

/// Releasing the residual plane keeps hematoxylin and DAB as they were, and a later reshape gives
/// three planes again.
@Suite struct ReleaseLastPlaneTests {
    @Test func hematoxylinAndDABSurviveAndReshapeRestoresThreePlanes() {
        let w = 1024, h = 64
        var samples = [UInt8](repeating: 0, count: 3 * w * h)
        for i in samples.indices { samples[i] = UInt8(truncatingIfNeeded: (i * 37) % 251) }
        let image = RGBImage(width: w, height: h, samples: .uint8(samples))
        let full = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
        var planes = full
        planes.releaseLastPlane()
        #expect(planes.planeCount == 2 && planes.values.count == 2 * w * h)
        #expect(planes.planeOffset(.hematoxylin) == 0 && planes.planeOffset(.dab) == w * h)
        #expect(planes.planeOffset(.residual) == nil)
        #expect(planes.plane(.hematoxylin) == full.plane(.hematoxylin) && planes.plane(.dab) == full.plane(.dab))
        Deconvolution.deconvolve(image, matrix: StainPresets.hDAB, into: &planes)
        #expect(planes.planeCount == 3 && planes.values == full.values)
    }
}
