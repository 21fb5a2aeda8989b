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
}
