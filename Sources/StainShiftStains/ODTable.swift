import Foundation

/// Optical density of every possible sample value, one table per channel:
/// `OD = -log10(max(v, 1) / white)` (CONTRACT), computed in Double and stored as Float.
///
/// 256 entries for 8-bit, 65536 for 16-bit. Channels with the same white share one table,
/// so the 16-bit tables stay in cache.
public struct ODTable: Sendable {
    public let bitDepth: Int
    public let whitePoint: WhitePoint
    let red: [Float], green: [Float], blue: [Float]

    public init(bitDepth: Int, whitePoint: WhitePoint) {
        self.bitDepth = bitDepth == 16 ? 16 : 8
        self.whitePoint = whitePoint
        let count = self.bitDepth == 16 ? 65536 : 256
        func table(_ white: Double) -> [Float] {
            (0..<count).map { Float(ODTable.opticalDensity(Double($0), white: white)) }
        }
        red = table(whitePoint.r)
        green = whitePoint.g == whitePoint.r ? red : table(whitePoint.g)
        blue = whitePoint.b == whitePoint.r ? red : (whitePoint.b == whitePoint.g ? green : table(whitePoint.b))
    }

    /// The CONTRACT formula in Double: the reference the tables and the kernel are tested against.
    @inlinable public static func opticalDensity(_ value: Double, white: Double) -> Double {
        -log10(max(value, 1) / white)
    }

    /// The table's OD of one sample of channel 0 (red), 1 (green) or 2 (blue).
    public func od(_ value: Int, channel: Int) -> Float {
        switch channel { case 0: red[value]; case 1: green[value]; default: blue[value] }
    }
}
