/// OpenSlide's pixels into StainShift's: premultiplied ARGB (`uint32_t`, native endian, alpha in
/// the top byte, as openslide.h documents) composited over white into 8-bit RGB.
///
/// Why over white: a brightfield slide's background is the lamp, so pixels OpenSlide leaves
/// transparent (outside the slide, or between the scanned areas of a sparse MRXS or NDPI) must
/// read as glass, never as black, which optical density would take for dense stain.
enum SlidePixels {
    /// The straight (not premultiplied) colour and alpha of one premultiplied ARGB pixel:
    /// `c = cp * 255 / a`, rounded to nearest; a fully transparent pixel has no colour (0, 0, 0).
    static func unpremultiplied(_ argb: UInt32) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let a = argb >> 24
        guard a != 0 else { return (0, 0, 0, 0) }
        func channel(_ shift: UInt32) -> UInt8 {
            let cp = (argb >> shift) & 0xFF
            return UInt8(min(255, (cp * 255 + a / 2) / a))
        }
        return (channel(16), channel(8), channel(0), UInt8(a))
    }

    /// One premultiplied ARGB pixel composited over white. Un-premultiplying and compositing,
    /// `c * a/255 + 255 * (1 - a/255)`, equals `cp + 255 - a` exactly, so no division and no
    /// rounding: opaque pixels keep their colour, alpha 0 gives white (255, 255, 255), and a
    /// malformed `cp > a` clamps at 255.
    @inline(__always)
    static func overWhite(_ argb: UInt32) -> (UInt8, UInt8, UInt8) {
        let white = 255 - (argb >> 24)
        return (UInt8(min(255, ((argb >> 16) & 0xFF) + white)),
                UInt8(min(255, ((argb >> 8) & 0xFF) + white)),
                UInt8(min(255, (argb & 0xFF) + white)))
    }

    /// `source.count` ARGB pixels composited over white into `rgb` (3 bytes per pixel).
    static func composite(_ source: UnsafeBufferPointer<UInt32>, into rgb: UnsafeMutablePointer<UInt8>) {
        for i in 0..<source.count {
            let (r, g, b) = overWhite(source[i])
            rgb[3 * i] = r; rgb[3 * i + 1] = g; rgb[3 * i + 2] = b
        }
    }
}
