extension RGBImage {
    /// The image shrunk by the smallest integer factor that fits `maxSide` (box average, the
    /// remainder rows and columns dropped), with its pixel size scaled to match: a small picture of
    /// a tile whatever its size (the report's overlay thumbnails). 16-bit images and images that
    /// already fit are returned unchanged.
    public func thumbnail(maxSide: Int) -> RGBImage {
        let f = (max(width, height) + maxSide - 1) / max(maxSide, 1)
        guard f > 1, case .uint8(let s) = samples else { return self }
        let w = width / f, h = height / f
        guard w > 0, h > 0 else { return self }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        let area = f * f
        for y in 0..<h {
            for x in 0..<w {
                var r = 0, g = 0, b = 0
                for dy in 0..<f {
                    var i = 3 * ((y * f + dy) * width + x * f)
                    for _ in 0..<f { r += Int(s[i]); g += Int(s[i + 1]); b += Int(s[i + 2]); i += 3 }
                }
                let o = 3 * (y * w + x)
                out[o] = UInt8(r / area); out[o + 1] = UInt8(g / area); out[o + 2] = UInt8(b / area)
            }
        }
        return RGBImage(width: w, height: h, samples: .uint8(out), pixelSizeMicrons: pixelSizeMicrons.map { $0 * Double(f) })
    }
}
