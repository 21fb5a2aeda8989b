/// An RGB brightfield image held in memory: interleaved samples, row-major, three per pixel.
///
/// 8-bit images keep `UInt8` samples; 16-bit images keep `UInt16` so optical density can use
/// their full precision. Alpha has already been composited over white by the reader.
public struct RGBImage: Sendable, Equatable {
    /// The samples, interleaved R, G, B.
    public enum Samples: Sendable, Equatable {
        case uint8([UInt8])
        case uint16([UInt16])
    }

    public let width: Int
    public let height: Int
    public var samples: Samples
    /// Physical pixel size in micrometres per pixel, when the file declares it.
    public var pixelSizeMicrons: Double?

    public init(width: Int, height: Int, samples: Samples, pixelSizeMicrons: Double? = nil) {
        precondition(width >= 0 && height >= 0, "image dimensions must be non-negative")
        switch samples {
        case .uint8(let s): precondition(s.count == width * height * 3, "sample count must be width x height x 3")
        case .uint16(let s): precondition(s.count == width * height * 3, "sample count must be width x height x 3")
        }
        self.width = width
        self.height = height
        self.samples = samples
        self.pixelSizeMicrons = pixelSizeMicrons
    }

    /// An 8-bit image filled with one colour.
    public init(width: Int, height: Int, filling rgb: (UInt8, UInt8, UInt8), pixelSizeMicrons: Double? = nil) {
        var s = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            s[3 * i] = rgb.0; s[3 * i + 1] = rgb.1; s[3 * i + 2] = rgb.2
        }
        self.init(width: width, height: height, samples: .uint8(s), pixelSizeMicrons: pixelSizeMicrons)
    }

    public var pixelCount: Int { width * height }
    public var bitDepth: Int {
        switch samples { case .uint8: 8; case .uint16: 16 }
    }
    /// The largest sample value of this bit depth (255 or 65535): the default white point.
    public var maxValue: Int {
        switch samples { case .uint8: 255; case .uint16: 65535 }
    }

    /// Every `step`-th pixel in raster order, as a single-row image of the same bit depth: a cheap,
    /// deterministic sample for estimates (white point, stain vectors) over large images.
    public func strided(by step: Int) -> RGBImage {
        let step = max(1, step)
        func take<T>(_ s: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(3 * (pixelCount / step + 1))
            for p in Swift.stride(from: 0, to: pixelCount, by: step) { out += s[(3 * p)..<(3 * p + 3)] }
            return out
        }
        switch samples {
        case .uint8(let s): let t = take(s); return RGBImage(width: t.count / 3, height: 1, samples: .uint8(t))
        case .uint16(let s): let t = take(s); return RGBImage(width: t.count / 3, height: 1, samples: .uint16(t))
        }
    }

    /// The pixels of `images` one after another as a single-row image of the first one's bit depth
    /// (images of the other depth are left out).
    public static func concatenating(_ images: [RGBImage]) -> RGBImage {
        if images.count == 1 { return images[0] }
        if images.first?.bitDepth == 16 {
            var s: [UInt16] = []
            s.reserveCapacity(3 * images.reduce(0) { $0 + $1.pixelCount })
            for i in images { if case .uint16(let x) = i.samples { s += x } }
            return RGBImage(width: s.count / 3, height: 1, samples: .uint16(s))
        }
        var s: [UInt8] = []
        s.reserveCapacity(3 * images.reduce(0) { $0 + $1.pixelCount })
        for i in images { if case .uint8(let x) = i.samples { s += x } }
        return RGBImage(width: s.count / 3, height: 1, samples: .uint8(s))
    }
}
