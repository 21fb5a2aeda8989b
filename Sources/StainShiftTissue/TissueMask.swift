import StainShiftImaging
import StainShiftStains

/// Which pixels are tissue. Background is excluded from every score.
public struct TissueMask: Sendable {
    public let width: Int
    public let height: Int
    /// One byte per pixel: 1 tissue, 0 background.
    public var mask: [UInt8]

    public init(width: Int, height: Int, mask: [UInt8]) {
        precondition(mask.count == width * height)
        self.width = width; self.height = height; self.mask = mask
    }

    public var areaPixels: Int { mask.reduce(0) { $0 + Int($1) } }
    public var fraction: Double { mask.isEmpty ? 0 : Double(areaPixels) / Double(mask.count) }
}
