/// Area averaging (a box filter with fractional edge weights) of an 8-bit RGB image to an exact
/// size: each output pixel is the mean of the source area it covers, as when a scanner images at
/// a coarser pixel. Used when no pyramid level has exactly the requested pixel size; averaging,
/// not point sampling, keeps the optical density of small stained objects.
enum SlideResampler {
    /// For each of `target` output pixels along one axis of `source` pixels: the source pixels
    /// it covers and their weights (the covered fraction of each, summing to 1).
    static func weights(source: Int, target: Int) -> [[(index: Int, weight: Double)]] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { o in
            let start = Double(o) * scale, end = Double(o + 1) * scale
            var taps: [(index: Int, weight: Double)] = []
            var i = Int(start)
            while Double(i) < end && i < source {
                let covered = min(end, Double(i + 1)) - max(start, Double(i))
                if covered > 1e-12 { taps.append((i, covered / scale)) }
                i += 1
            }
            return taps
        }
    }

    /// `image` (8-bit) averaged to `width` x `height`; the image itself when the size matches.
    /// The pixel size, when known, grows by the scale factor along x.
    static func areaAverage(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        guard case .uint8(let s) = image.samples, width > 0, height > 0,
              width != image.width || height != image.height else { return image }
        let across = weights(source: image.width, target: width)
        let down = weights(source: image.height, target: height)
        // Horizontal pass: every source row to `width` columns.
        var rows = [Double](repeating: 0, count: image.height * width * 3)
        for y in 0..<image.height {
            let inRow = y * image.width * 3, outRow = y * width * 3
            for x in 0..<width {
                var r = 0.0, g = 0.0, b = 0.0
                for tap in across[x] {
                    let p = inRow + 3 * tap.index
                    r += tap.weight * Double(s[p]); g += tap.weight * Double(s[p + 1]); b += tap.weight * Double(s[p + 2])
                }
                rows[outRow + 3 * x] = r; rows[outRow + 3 * x + 1] = g; rows[outRow + 3 * x + 2] = b
            }
        }
        // Vertical pass.
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for k in 0..<(width * 3) {
                var v = 0.0
                for tap in down[y] { v += tap.weight * rows[tap.index * width * 3 + k] }
                out[y * width * 3 + k] = UInt8(min(255, max(0, v.rounded())))
            }
        }
        let pixelSize = image.pixelSizeMicrons.map { $0 * Double(image.width) / Double(width) }
        return RGBImage(width: width, height: height, samples: .uint8(out), pixelSizeMicrons: pixelSize)
    }
}
