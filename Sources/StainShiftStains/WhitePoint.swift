import StainShiftImaging

/// The background (white) intensity per channel: the `background` of
/// `OD = -log10(max(v, 1) / background)`. 255 for 8-bit and 65535 for 16-bit unless estimated.
public struct WhitePoint: Sendable, Equatable, Hashable, Codable {
    public let r: Double, g: Double, b: Double

    /// Rejects non-finite values and values below 1 (the smallest sample the OD formula uses).
    public init(r: Double, g: Double, b: Double) throws(StainError) {
        for (name, v) in [("red", r), ("green", g), ("blue", b)] where !(v.isFinite && v >= 1) {
            throw StainError.malformed("background \(name) must be a finite number >= 1, not \(v)")
        }
        self.r = r; self.g = g; self.b = b
    }

    init(unchecked r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }

    /// The same white for every channel.
    public init(uniform value: Double) throws(StainError) { try self.init(r: value, g: value, b: value) }

    /// The fixed default: the largest sample value of the image's bit depth (CONTRACT).
    public static func fixed(for image: RGBImage) -> WhitePoint { fixed(bitDepth: image.bitDepth) }

    /// 255 for 8-bit, 65535 for 16-bit.
    public static func fixed(bitDepth: Int) -> WhitePoint {
        let v = bitDepth == 16 ? 65535.0 : 255.0
        return WhitePoint(unchecked: v, v, v)
    }

    public var components: [Double] { [r, g, b] }
    var isUniform: Bool { r == g && g == b }
}
