import StainShiftImaging
import StainShiftStains

/// Tile quality checks whose flags travel with the tile's result.
public enum TileQC {
    /// Below this tissue fraction a tile is flagged `lowTissue` (a tenth of the tile).
    public static let minTissueFraction = 0.10
    /// Variance of the 4-neighbour Laplacian of hematoxylin OD over tissue below which a tile is
    /// `outOfFocus` (Pech-Pacheco et al. 2000, ICPR, "Diatom autofocusing in brightfield microscopy").
    /// In-focus OS-2 and scikit-image IHC tiles score 0.004-0.02; a 2 µm Gaussian blur drops them below 0.001.
    public static let minLaplacianVariance = 0.0015
    /// A pixel is black/clipped when its brightest channel is at most 5% of full scale.
    public static let blackFraction = 0.05
    /// More than this fraction of black pixels flags the tile `saturated`.
    public static let maxBlackPixelFraction = 0.005

    /// Flags: lowTissue, outOfFocus (variance of Laplacian on hematoxylin), saturated (black/clipped pixels).
    /// `tooFewCells` is decided by scoring, which knows the cell count.
    public static func assess(_ image: RGBImage, planes: StainPlanes, tissue: TissueMask) -> [QCFlag] {
        var flags: [QCFlag] = []
        let n = image.pixelCount
        guard n > 0 else { return [.lowTissue] }
        if tissue.fraction < minTissueFraction { flags.append(.lowTissue) }
        if blackPixelFraction(image) > maxBlackPixelFraction { flags.append(.saturated) }
        if tissue.areaPixels >= 64, let v = laplacianVariance(planes, tissue: tissue), v < minLaplacianVariance {
            flags.append(.outOfFocus)
        }
        return flags.sorted()
    }

    /// Fraction of pixels whose largest channel is at most `blackFraction` of full scale.
    public static func blackPixelFraction(_ image: RGBImage) -> Double {
        let n = image.pixelCount
        guard n > 0 else { return 0 }
        var black = 0
        switch image.samples {
        case .uint8(let s):
            let limit = UInt8(255 * blackFraction)
            for i in 0..<n where max(s[3 * i], s[3 * i + 1], s[3 * i + 2]) <= limit { black += 1 }
        case .uint16(let s):
            let limit = UInt16(65535 * blackFraction)
            for i in 0..<n where max(s[3 * i], s[3 * i + 1], s[3 * i + 2]) <= limit { black += 1 }
        }
        return Double(black) / Double(n)
    }

    /// Variance of the Laplacian of hematoxylin OD over interior tissue pixels, nil without them.
    public static func laplacianVariance(_ planes: StainPlanes, tissue: TissueMask) -> Double? {
        let w = planes.width, h = planes.height
        guard w >= 3, h >= 3, tissue.width == w, tissue.height == h,
              let o = planes.planeOffset(.hematoxylin) else { return nil }
        var sum = 0.0, sum2 = 0.0, count = 0
        planes.values.withUnsafeBufferPointer { v in
            tissue.mask.withUnsafeBufferPointer { m in
                for y in 1..<(h - 1) {
                    for x in 1..<(w - 1) {
                        let i = y * w + x
                        guard m[i] != 0 else { continue }
                        let c = v[o + i]
                        let l = Double(4 * c - v[o + i - 1] - v[o + i + 1] - v[o + i - w] - v[o + i + w])
                        sum += l; sum2 += l * l; count += 1
                    }
                }
            }
        }
        guard count > 1 else { return nil }
        let mean = sum / Double(count)
        return max(0, sum2 / Double(count) - mean * mean)
    }
}
