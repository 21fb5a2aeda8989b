import Foundation
import StainShiftImaging
import StainShiftStains

/// A low-resolution tissue map of a whole image (about 16 µm per pixel), built block by block from
/// region reads so the full-resolution image is never held, and used to skip analysis tiles that
/// hold almost no tissue. Each overview pixel is one `factor` x `factor` block of the image: its
/// colour is the block's mean optical density per channel turned back into a colour (the geometric
/// mean of the intensities), so sparse tissue is not averaged away as an arithmetic mean would.
/// Tissue is then found on that small image with `TissueDetector` (holes filled, specks dropped).
public struct TissueOverview: Sendable {
    /// About this many µm per overview pixel (within the 10-20 µm range a slide's thumbnail level offers).
    public static let targetPixelSizeMicrons = 16.0

    public let factor: Int
    /// Overview size: `ceil(imageWidth / factor)` x `ceil(imageHeight / factor)`.
    public let width: Int, height: Int
    /// One byte per overview pixel, 1 tissue.
    public let mask: [UInt8]
    /// The block-mean colours the mask was found on (RGB, `width x height`).
    public let colours: [UInt8]

    /// Image pixels per overview pixel at `pixelSizeMicrons`.
    public static func factor(pixelSizeMicrons px: Double) -> Int {
        let px = px.isFinite && px > 0 ? px : 0.5
        return max(1, Int((targetPixelSizeMicrons / px).rounded()))
    }

    /// Block colours of `region` (8-bit RGB, `ceil(w/factor)` x `ceil(h/factor)` blocks, the last
    /// ones partial): the per-channel mean OD of each block, relative to `background` (nil: the bit
    /// depth's maximum), as an 8-bit colour. Regions should start on multiples of `factor`.
    public static func blockColours(_ region: RGBImage, factor f: Int, background: Double?) -> [UInt8] {
        let f = max(1, f), w = region.width, h = region.height
        let W = (w + f - 1) / f, H = (h + f - 1) / f
        let white = background.flatMap { $0.isFinite && $0 >= 1 ? $0 : nil } ?? Double(region.maxValue)
        var sums = [Double](repeating: 0, count: 3 * W * H)
        let block = (0..<w).map { 3 * ($0 / f) }
        func accumulate<T: BinaryInteger>(_ s: [T], table: [Double]) {
            for y in 0..<h {
                let base = 3 * (y / f) * W
                for x in 0..<w {
                    let i = 3 * (y * w + x), o = base + block[x]
                    sums[o] += table[Int(s[i])]; sums[o + 1] += table[Int(s[i + 1])]; sums[o + 2] += table[Int(s[i + 2])]
                }
            }
        }
        func table(_ count: Int) -> [Double] { (0..<count).map { -log10(max(Double($0), 1) / white) } }
        switch region.samples {
        case .uint8(let s): accumulate(s, table: table(256))
        case .uint16(let s): accumulate(s, table: table(65536))
        }
        var out = [UInt8](repeating: 255, count: 3 * W * H)
        for Y in 0..<H {
            for X in 0..<W {
                let n = Double(min(f, h - Y * f) * min(f, w - X * f))
                for c in 0..<3 {
                    let od = sums[3 * (Y * W + X) + c] / n
                    out[3 * (Y * W + X) + c] = UInt8(max(0, min(255, (255 * pow(10, -od)).rounded())))
                }
            }
        }
        return out
    }

    /// Tissue on the overview whose block colours (`width` x `height`, 8-bit RGB) are `colours`.
    public init(colours: [UInt8], width: Int, height: Int, factor: Int, pixelSizeMicrons px: Double,
                stains: StainMatrix, parameters: TissueParameters = .init()) {
        self.factor = max(1, factor); self.width = width; self.height = height; self.colours = colours
        guard width > 0, height > 0, colours.count == 3 * width * height else {
            mask = [UInt8](repeating: 0, count: max(0, width * height)); return
        }
        let overviewPixel = (px.isFinite && px > 0 ? px : 0.5) * Double(self.factor)
        let image = RGBImage(width: width, height: height, samples: .uint8(colours), pixelSizeMicrons: overviewPixel)
        let planes = Deconvolution.deconvolve(image, matrix: stains, threads: 1)
        mask = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: overviewPixel, parameters: parameters).mask
    }

    /// Fraction of overview pixels meeting the image rectangle `x, y, width, height` that are tissue
    /// (a pixel partly inside counts whole, so a tile with tissue at its edge is not missed).
    public func tissueFraction(x: Int, y: Int, width w: Int, height h: Int) -> Double {
        guard w > 0, h > 0, width > 0, height > 0 else { return 0 }
        let x0 = max(0, x / factor), y0 = max(0, y / factor)
        let x1 = min(width, (x + w + factor - 1) / factor), y1 = min(height, (y + h + factor - 1) / factor)
        guard x1 > x0, y1 > y0 else { return 0 }
        var tissue = 0
        for Y in y0..<y1 { for X in x0..<x1 { tissue += Int(mask[Y * width + X]) } }
        return Double(tissue) / Double((x1 - x0) * (y1 - y0))
    }
}
