import StainShiftFoundation
import StainShiftImaging
import StainShiftStains
import Foundation

/// Tile quality checks whose flags travel with the tile's result.
public enum TileQC {
    /// Below this tissue fraction a tile is flagged `lowTissue` (a tenth of the tile).
    public static let minTissueFraction = 0.10
    /// Variance of the 4-neighbour Laplacian of hematoxylin OD over tissue below which a tile is
    /// `outOfFocus` (Pech-Pacheco et al. 2000, ICPR, "Diatom autofocusing in brightfield microscopy").
    /// The Laplacian is taken with neighbours about 0.5 µm apart, so the value does not depend on the
    /// scan's magnification; in-focus OS-2 scans and the scikit-image IHC tile score 0.004-0.02.
    public static let minLaplacianVariance = 0.0015
    /// A pixel is black/clipped when its brightest channel is at most 5% of full scale.
    public static let blackFraction = 0.05
    /// More than this fraction of black pixels flags the tile `saturated`.
    public static let maxBlackPixelFraction = 0.005

    /// Flags: lowTissue, outOfFocus (variance of Laplacian on hematoxylin), saturated (black/clipped pixels).
    /// `tooFewCells` is decided by scoring, which knows the cell count.
    public static func assess(_ image: RGBImage, planes: StainPlanes, tissue: TissueMask) -> [QCFlag] {
        assess(image, planes: planes, tissue: tissue, pixelSizeMicrons: nil)
    }

    /// As above with an explicit pixel size; nil uses the image's own, else the CONTRACT default 0.5 µm.
    public static func assess(_ image: RGBImage, planes: StainPlanes, tissue: TissueMask,
                              pixelSizeMicrons: Double?) -> [QCFlag] {
        var flags: [QCFlag] = []
        let n = image.pixelCount
        guard n > 0 else { return [.lowTissue] }
        if tissue.fraction < minTissueFraction { flags.append(.lowTissue) }
        if blackPixelFraction(image) > maxBlackPixelFraction { flags.append(.saturated) }
        let px = pixelSizeMicrons ?? image.pixelSizeMicrons ?? 0.5
        let step = px.isFinite && px > 0 ? max(1, Int((0.5 / px).rounded())) : 1
        if tissue.areaPixels >= 64, let v = laplacianVariance(planes, tissue: tissue, step: step), v < minLaplacianVariance {
            flags.append(.outOfFocus)
        }
        return flags.sorted()
    }

    /// Fraction of pixels whose largest channel is at most `blackFraction` of full scale.
    public static func blackPixelFraction(_ image: RGBImage) -> Double {
        let n = image.pixelCount
        guard n > 0 else { return 0 }
        switch image.samples {
        case .uint8(let s): return Double(countBlack(s, pixels: n, limit: UInt8(255 * blackFraction))) / Double(n)
        case .uint16(let s): return Double(countBlack(s, pixels: n, limit: UInt16(65535 * blackFraction))) / Double(n)
        }
    }

    /// Pixels of interleaved RGB `samples` whose largest channel is at most `limit`, over all cores.
    static func countBlack<T: FixedWidthInteger & UnsignedInteger & Sendable>(_ samples: [T], pixels n: Int, limit: T) -> Int {
        let counts = ChunkResults<Int>(n)
        samples.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            let p = SharedPointer(UnsafeMutablePointer(mutating: base))
            Parallel.forEachChunk(n) { r in
                var black = 0
                for i in r where max(p[3 * i], p[3 * i + 1], p[3 * i + 2]) <= limit { black += 1 }
                counts.set(r, black)
            }
        }
        return counts.values.reduce(0, +)
    }

    /// Variance of the Laplacian (neighbours `step` pixels away) of hematoxylin OD over interior
    /// tissue pixels, nil without them. Rows in fixed chunks, summed in chunk order: the same value
    /// whatever the number of cores.
    public static func laplacianVariance(_ planes: StainPlanes, tissue: TissueMask, step: Int = 1) -> Double? {
        let w = planes.width, h = planes.height, d = max(1, step)
        guard w >= 2 * d + 1, h >= 2 * d + 1, tissue.width == w, tissue.height == h,
              let o = planes.planeOffset(.hematoxylin) else { return nil }
        let rows = h - 2 * d
        let sums = ChunkResults<(sum: Double, squares: Double, count: Int)>(rows)
        planes.values.withUnsafeBufferPointer { vb in
            tissue.mask.withUnsafeBufferPointer { mb in
                guard let vbase = vb.baseAddress, let mbase = mb.baseAddress else { return }
                let v = SharedPointer(UnsafeMutablePointer(mutating: vbase)), m = SharedPointer(UnsafeMutablePointer(mutating: mbase))
                Parallel.forEachChunk(rows) { r in
                    var sum = 0.0, sum2 = 0.0, count = 0
                    for y in (r.lowerBound + d)..<(r.upperBound + d) {
                        for x in d..<(w - d) {
                            let i = y * w + x
                            guard m[i] != 0 else { continue }
                            let c = v[o + i]
                            let l = Double(4 * c - v[o + i - d] - v[o + i + d] - v[o + i - d * w] - v[o + i + d * w])
                            sum += l; sum2 += l * l; count += 1
                        }
                    }
                    sums.set(r, (sum, sum2, count))
                }
            }
        }
        var sum = 0.0, sum2 = 0.0, count = 0
        for part in sums.values { sum += part.sum; sum2 += part.squares; count += part.count }
        guard count > 1 else { return nil }
        let mean = sum / Double(count)
        return max(0, sum2 / Double(count) - mean * mean)
    }
}
