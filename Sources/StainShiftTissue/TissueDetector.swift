import StainShiftImaging
import StainShiftStains

/// Finds tissue: smoothed optical-density sum above a threshold, closed, holes and specks below a
/// minimum area removed. Background (glass) is then excluded from every score.
public enum TissueDetector {
    /// Tissue is found at about this pixel size (an integer box downsampling), then mapped back:
    /// every tissue-scale parameter is microns wide, so 2 µm pixels lose nothing and cost 1/16 at 20x.
    public static let workingPixelSizeMicrons = 2.0

    public static func detect(_ image: RGBImage, planes: StainPlanes, pixelSizeMicrons: Double,
                              parameters: TissueParameters = .init()) -> TissueMask {
        let w = planes.width, h = planes.height, n = w * h
        guard n > 0 else { return TissueMask(width: w, height: h, mask: []) }
        let px = pixelSizeMicrons.isFinite && pixelSizeMicrons > 0 ? pixelSizeMicrons : 0.5
        let f = max(1, min(Int(workingPixelSizeMicrons / px), min(w, h)))
        let W = max(1, w / f), H = max(1, h / f), N = W * H
        let wpx = px * Double(f)
        var full = [Float](repeating: 0, count: n)
        full.withUnsafeMutableBufferPointer { o in
            if let base = o.baseAddress { OpticalDensity.sum(planes, into: base) }
        }
        // Box-average f x f blocks (the last partial row/column joins the block before it).
        var od = [Float](repeating: 0, count: N)
        var counts = [Float](repeating: 0, count: N)
        for y in 0..<h {
            let Y = min(y / f, H - 1)
            for x in 0..<w {
                let j = Y * W + min(x / f, W - 1)
                od[j] += full[y * w + x]; counts[j] += 1
            }
        }
        full = []
        for j in 0..<N { od[j] /= max(counts[j], 1) }
        var scratch = [Float](repeating: 0, count: N)
        var mask = [UInt8](repeating: 0, count: N)
        od.withUnsafeMutableBufferPointer { o in
            scratch.withUnsafeMutableBufferPointer { s in
                mask.withUnsafeMutableBufferPointer { m in
                    guard let o = o.baseAddress, let s = s.baseAddress, let m = m.baseAddress else { return }
                    GaussianBlur.blur(o, scratch: s, width: W, height: H, sigma: parameters.smoothingMicrons / wpx)
                    let t = Float(parameters.odThreshold)
                    for i in 0..<N { m[i] = o[i] > t ? 1 : 0 }
                    let r = parameters.closingRadiusMicrons / wpx
                    if r >= 0.5 { close(m, distance: s, width: W, height: H, radius: r) }
                    let minArea = parameters.minAreaMicrons2 / (wpx * wpx)
                    if minArea >= 1 {
                        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: N)
                        defer { labels.deallocate() }
                        removeSmall(m, labels: labels, width: W, height: H, minArea: minArea, value: 1)
                        removeSmall(m, labels: labels, width: W, height: H, minArea: minArea, value: 0)
                    }
                }
            }
        }
        guard f > 1 else { return TissueMask(width: w, height: h, mask: mask) }
        var out = [UInt8](repeating: 0, count: n)
        for y in 0..<h {
            let Y = min(y / f, H - 1)
            for x in 0..<w { out[y * w + x] = mask[Y * W + min(x / f, W - 1)] }
        }
        return TissueMask(width: w, height: h, mask: out)
    }

    /// Closing with a disk of `radius` pixels: dilation then erosion, each an exact distance threshold.
    static func close(_ m: UnsafeMutablePointer<UInt8>, distance d: UnsafeMutablePointer<Float>,
                      width w: Int, height h: Int, radius: Double) {
        let r2 = Float(radius * radius), n = w * h
        DistanceTransform.squared(mask: m, featureNonZero: true, width: w, height: h, limit: radius + 1, out: d)
        for i in 0..<n { m[i] = d[i] <= r2 ? 1 : 0 }
        // Pixels with no background within reach stay set (distance "unreachable").
        DistanceTransform.squared(mask: m, featureNonZero: false, width: w, height: h, limit: radius + 1, out: d)
        for i in 0..<n { m[i] = d[i] > r2 ? 1 : 0 }
    }

    /// Flips connected regions of pixels equal to `value` (tissue pieces or holes) smaller than `minArea`.
    static func removeSmall(_ m: UnsafeMutablePointer<UInt8>, labels: UnsafeMutablePointer<Int32>,
                            width w: Int, height h: Int, minArea: Double, value: UInt8) {
        let n = w * h
        if value == 0 { for i in 0..<n { m[i] ^= 1 } }
        let count = BinaryMorphology.label(m, width: w, height: h, eightConnected: value == 1, labels: labels)
        var areas = [Int](repeating: 0, count: count + 1)
        for i in 0..<n { areas[Int(labels[i])] += 1 }
        for i in 0..<n where m[i] != 0 && Double(areas[Int(labels[i])]) < minArea { m[i] = 0 }
        if value == 0 { for i in 0..<n { m[i] ^= 1 } }
    }
}
