import Testing
import StainShiftImaging
@testable import StainShiftStains

@Suite struct DeconvolutionTests {
    @Test func whiteHasZeroOpticalDensity() {
        let image = RGBImage(width: 4, height: 3, filling: (255, 255, 255))
        let planes = Deconvolution.deconvolve(image, matrix: StainPresets.hDAB)
        #expect(planes.values.allSatisfy { abs($0) < 1e-6 })
    }
}
