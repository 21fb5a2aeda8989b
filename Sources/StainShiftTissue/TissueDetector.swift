import StainShiftImaging
import StainShiftStains

/// Finds tissue: smoothed optical-density sum above a threshold, closed, holes and specks below a
/// minimum area removed. Background (glass) is then excluded from every score.
public enum TissueDetector {
    public static func detect(_ image: RGBImage, planes: StainPlanes, pixelSizeMicrons: Double,
                              parameters: TissueParameters = .init()) -> TissueMask {
        let w = planes.width, h = planes.height, n = w * h
        guard n > 0 else { return TissueMask(width: w, height: h, mask: []) }
        let px = pixelSizeMicrons.isFinite && pixelSizeMicrons > 0 ? pixelSizeMicrons : 0.5
        var od = [Float](repeating: 0, count: n)
        var scratch = [Float](repeating: 0, count: n)
        var mask = [UInt8](repeating: 0, count: n)
        od.withUnsafeMutableBufferPointer { o in
            scratch.withUnsafeMutableBufferPointer { s in
                mask.withUnsafeMutableBufferPointer { m in
                    guard let o = o.baseAddress, let s = s.baseAddress, let m = m.baseAddress else { return }
                    OpticalDensity.sum(planes, into: o)
                    GaussianBlur.blur(o, scratch: s, width: w, height: h, sigma: parameters.smoothingMicrons / px)
                    let t = Float(parameters.odThreshold)
                    for i in 0..<n { m[i] = o[i] > t ? 1 : 0 }
                    let r = parameters.closingRadiusMicrons / px
                    if r >= 0.5 { close(m, distance: s, width: w, height: h, radius: r) }
                    let minArea = parameters.minAreaMicrons2 / (px * px)
                    if minArea >= 1 {
                        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: n)
                        defer { labels.deallocate() }
                        removeSmall(m, labels: labels, width: w, height: h, minArea: minArea, value: 1)
                        removeSmall(m, labels: labels, width: w, height: h, minArea: minArea, value: 0)
                    }
                }
            }
        }
        return TissueMask(width: w, height: h, mask: mask)
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
