import StainShiftStains
import StainShiftTissue

/// The pixel size of an image that does not declare one, estimated from its nuclei.
///
/// Nuclei are the one structure of known physical size in every IHC image, so the typical nucleus
/// diameter in pixels gives the scale. It is read from the autocorrelation of the nuclear signal
/// (hematoxylin + DAB OD, capped at 1 so saturated DAB does not outweigh pale nuclei, with the
/// tissue-scale background removed): for disks of diameter D the autocorrelation falls to half at
/// a shift of 0.404 D (the overlap of two disks, (2/π)(acos u - u√(1-u²)) = 1/2 at u = d/2R =
/// 0.404). The estimate assumes a typical nucleus diameter of `referenceDiameterMicrons`; on the
/// dev set it gives 0.19-0.26 µm/px for the 40x BCData tiles and 0.45-0.95 for the EndoNuke tiles,
/// whose nuclei are smaller in pixels. It is a per-image statistic, so it is used only when neither
/// the file, the manifest nor an option gives the pixel size, and it is reported as `estimated`.
public enum NucleusScale {
    /// The nucleus diameter the estimate assumes (a tumour or stromal nucleus is 6-10 µm across).
    public static let referenceDiameterMicrons = 8.0
    /// Autocorrelation half-width of a disk pattern, as a fraction of the disk diameter.
    static let halfWidthPerDiameter = 0.404
    /// The central crop the estimate reads (a 1024² crop holds hundreds of nuclei at any scale).
    static let maxCrop = 1024
    /// Estimates below and above these are refused (nil): no microscope image is that coarse or fine.
    static let plausibleMicrons = 0.05...5.0

    /// µm per pixel from the nuclei of `planes`, or nil when the image has too little nuclear
    /// signal or no nucleus-sized structure (then the caller falls back to its default).
    public static func estimate(_ planes: StainPlanes) -> Double? {
        guard let diameter = nucleusDiameterPixels(planes) else { return nil }
        let um = referenceDiameterMicrons / diameter
        return plausibleMicrons.contains(um) ? um : nil
    }

    /// The typical nucleus diameter in pixels (see the type's comment), or nil.
    public static func nucleusDiameterPixels(_ planes: StainPlanes) -> Double? {
        let w = min(planes.width, maxCrop), h = min(planes.height, maxCrop)
        guard w >= 32, h >= 32, let ho = planes.planeOffset(.hematoxylin) else { return nil }
        let dOffset = planes.planeOffset(.dab)
        let x0 = (planes.width - w) / 2, y0 = (planes.height - h) / 2
        var s = [Float](repeating: 0, count: w * h)
        planes.values.withUnsafeBufferPointer { v in
            for y in 0..<h {
                let row = (y0 + y) * planes.width + x0
                for x in 0..<w {
                    var value = max(v[ho + row + x], 0)
                    if let d = dOffset { value += max(v[d + row + x], 0) }
                    s[y * w + x] = min(value, 1)
                }
            }
        }
        removeBackground(&s, width: w, height: h, sigma: Double(max(w, h)) / 8)
        guard let halfWidth = halfWidth(s, width: w, height: h) else { return nil }
        return halfWidth / halfWidthPerDiameter
    }

    /// The shift (pixels, interpolated) at which the mean of the horizontal and vertical
    /// autocorrelations first falls below half of the variance; nil when it never does within a
    /// third of the crop or the signal is flat.
    static func halfWidth(_ s: [Float], width w: Int, height h: Int) -> Double? {
        var variance = 0.0
        for v in s { variance += Double(v) * Double(v) }
        guard variance > 1e-6 * Double(s.count) else { return nil }
        var previous = 1.0
        return s.withUnsafeBufferPointer { p -> Double? in
            for d in 1..<max(2, min(w, h) / 3) {
                var sum = 0.0
                for y in 0..<h {
                    let row = y * w
                    var acc: Float = 0
                    for x in 0..<(w - d) { acc += p[row + x] * p[row + x + d] }
                    sum += Double(acc)
                }
                for y in 0..<(h - d) {
                    var acc: Float = 0
                    let a = y * w, b = (y + d) * w
                    for x in 0..<w { acc += p[a + x] * p[b + x] }
                    sum += Double(acc)
                }
                let c = sum / (2 * variance)
                if c < 0.5 { return Double(d - 1) + (previous - 0.5) / (previous - c) }
                previous = c
            }
            return nil
        }
    }

    /// Subtracts a Gaussian (`sigma` pixels) of the image from it: tissue versus glass and broad
    /// cytoplasmic stain go, nucleus-sized structure stays. The Gaussian runs on an 8x block-mean
    /// reduction and is interpolated back bilinearly (it is many nucleus widths wide).
    static func removeBackground(_ s: inout [Float], width w: Int, height h: Int, sigma: Double) {
        let f = 8
        let sw = (w + f - 1) / f, sh = (h + f - 1) / f
        var small = [Float](repeating: 0, count: sw * sh)
        var counts = [Float](repeating: 0, count: sw * sh)
        for y in 0..<h { for x in 0..<w { small[(y / f) * sw + x / f] += s[y * w + x]; counts[(y / f) * sw + x / f] += 1 } }
        for i in small.indices { small[i] /= max(counts[i], 1) }
        small.withUnsafeMutableBufferPointer { a in
            guard let a = a.baseAddress else { return }
            GaussianBlur.blur(a, width: sw, height: sh, sigma: sigma / Double(f))
        }
        for y in 0..<h {
            // Block centres sit at f*i + (f-1)/2.
            let gy = max(0, min(Double(sh - 1), (Double(y) - Double(f - 1) / 2) / Double(f)))
            let y0 = Int(gy), y1 = min(y0 + 1, sh - 1), ty = Float(gy - Double(y0))
            for x in 0..<w {
                let gx = max(0, min(Double(sw - 1), (Double(x) - Double(f - 1) / 2) / Double(f)))
                let x0 = Int(gx), x1 = min(x0 + 1, sw - 1), tx = Float(gx - Double(x0))
                let top = small[y0 * sw + x0] * (1 - tx) + small[y0 * sw + x1] * tx
                let bottom = small[y1 * sw + x0] * (1 - tx) + small[y1 * sw + x1] * tx
                s[y * w + x] -= top * (1 - ty) + bottom * ty
            }
        }
    }
}
