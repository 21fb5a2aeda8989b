import StainShiftFoundation
import StainShiftImaging
import StainShiftStains

/// Finds tissue: smoothed optical-density sum above a threshold, closed, holes and specks below a
/// minimum area removed. Background (glass) is then excluded from every score.
public enum TissueDetector {
    /// Tissue is found at about this pixel size (an integer box downsampling), then mapped back:
    /// every tissue-scale parameter is microns wide, so 2 µm pixels lose nothing and cost 1/16 at 20x.
    public static let workingPixelSizeMicrons = 2.0

    /// The full-resolution mask comes from `pool` when given.
    public static func detect(_ image: RGBImage, planes: StainPlanes, pixelSizeMicrons: Double,
                              parameters: TissueParameters = .init(), pool: BufferPool? = nil) -> TissueMask {
        let w = planes.width, h = planes.height, n = w * h
        guard n > 0 else { return TissueMask(width: w, height: h, mask: []) }
        let px = pixelSizeMicrons.isFinite && pixelSizeMicrons > 0 ? pixelSizeMicrons : 0.5
        let f = max(1, min(Int(workingPixelSizeMicrons / px), min(w, h)))
        let W = max(1, w / f), H = max(1, h / f), N = W * H
        let wpx = px * Double(f)
        // Total OD (QuPath's "optical density sum"), box-averaged over f x f blocks (the last partial
        // row/column joins the block before it); block rows in parallel, each summed in raster order.
        let weights = planes.matrix.stains.map { Float($0.r + $0.g + $0.b) }
        var od = [Float](repeating: 0, count: N)
        planes.values.withUnsafeBufferPointer { v in
            od.withUnsafeMutableBufferPointer { o in
                guard let vb = v.baseAddress, let ob = o.baseAddress else { return }
                let src = SharedPointer(UnsafeMutablePointer(mutating: vb)), dst = SharedPointer(ob)
                let w0 = weights[0], w1 = weights[1], w2 = weights[2]
                Parallel.forEachChunk(H) { blockRows in
                    for Y in blockRows {
                        let last = Y == H - 1 ? h : (Y + 1) * f
                        for y in (Y * f)..<last {
                            // Block by block, each block's pixels added in order in a register.
                            for j in 0..<W {
                                let end = j == W - 1 ? w : (j + 1) * f
                                var sum = dst[Y * W + j]
                                for i in (y * w + j * f)..<(y * w + end) {
                                    sum += w0 * src[i] + w1 * src[n + i] + w2 * src[2 * n + i]
                                }
                                dst[Y * W + j] = sum
                            }
                        }
                        for j in 0..<W {
                            let pixels = Float((last - Y * f) * ((j == W - 1 ? w : (j + 1) * f) - j * f))
                            dst[Y * W + j] /= max(pixels, 1)
                        }
                    }
                }
            }
        }
        var mask = [UInt8](repeating: 0, count: N)
        od.withUnsafeMutableBufferPointer { o in
            mask.withUnsafeMutableBufferPointer { m in
                guard let o = o.baseAddress, let m = m.baseAddress else { return }
                GaussianBlur.blur(o, width: W, height: H, sigma: parameters.smoothingMicrons / wpx)
                let t = Float(parameters.odThreshold)
                for i in 0..<N { m[i] = o[i] > t ? 1 : 0 }
                let r = parameters.closingRadiusMicrons / wpx
                if r >= 0.5 {
                    let distance = UnsafeMutablePointer<Float>.allocate(capacity: N)
                    defer { distance.deallocate() }
                    close(m, distance: distance, width: W, height: H, radius: r)
                }
                let minArea = parameters.minAreaMicrons2 / (wpx * wpx)
                if minArea >= 1 {
                    let labels = UnsafeMutablePointer<Int32>.allocate(capacity: N)
                    defer { labels.deallocate() }
                    removeSmall(m, labels: labels, width: W, height: H, minArea: minArea, value: 1)
                    removeSmall(m, labels: labels, width: W, height: H, minArea: minArea, value: 0)
                }
            }
        }
        guard f > 1 else { return TissueMask(width: w, height: h, mask: mask) }
        var out = pool?.bytes(n) ?? [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            mask.withUnsafeBufferPointer { m in
                guard let ob = o.baseAddress, let mb = m.baseAddress else { return }
                let dst = SharedPointer(ob), src = SharedPointer(UnsafeMutablePointer(mutating: mb))
                let column = (0..<w).map { min($0 / f, W - 1) }
                Parallel.forEachChunk(h) { rows in
                    for y in rows {
                        let Y = min(y / f, H - 1)
                        for x in 0..<w { dst[y * w + x] = src[Y * W + column[x]] }
                    }
                }
            }
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
