import StainShiftImaging

/// Additive sums behind mean optical densities: per stain concentration and per RGB channel.
/// Sum band by band or tile by tile, then read the means; rows are summed in order, so the
/// result does not depend on thread counts.
public struct ODStatistics: Sendable, Equatable {
    public private(set) var pixels = 0
    /// Concentration sums in `StainMatrix.stains` order.
    public private(set) var stainSums = [0.0, 0.0, 0.0]
    /// OD sums of the red, green and blue channels.
    public private(set) var channelSums = [0.0, 0.0, 0.0]

    public init() {}

    /// Adds an image's channel OD (through `table`) and its planes' concentrations.
    public mutating func add(_ image: RGBImage, table: ODTable, planes: StainPlanes) {
        precondition(image.pixelCount == planes.pixelCount && image.bitDepth == table.bitDepth)
        let n = planes.pixelCount
        planes.values.withUnsafeBufferPointer { v in
            for k in 0..<3 {
                var total = 0.0
                for y in 0..<planes.height {
                    var row = 0.0
                    for i in (k * n + y * planes.width)..<(k * n + (y + 1) * planes.width) { row += Double(v[i]) }
                    total += row
                }
                stainSums[k] += total
            }
        }
        func channels<T: FixedWidthInteger>(_ s: [T]) {
            var r = 0.0, g = 0.0, b = 0.0
            for i in 0..<n {
                r += Double(table.red[Int(s[3 * i])]); g += Double(table.green[Int(s[3 * i + 1])])
                b += Double(table.blue[Int(s[3 * i + 2])])
            }
            channelSums[0] += r; channelSums[1] += g; channelSums[2] += b
        }
        switch image.samples {
        case .uint8(let s): channels(s)
        case .uint16(let s): channels(s)
        }
        pixels += n
    }

    /// Mean concentration of stain row `k`, or nil before any pixel.
    public func meanStain(_ k: Int) -> Double? { pixels > 0 ? stainSums[k] / Double(pixels) : nil }
    /// Mean OD of channel 0 (red), 1 (green) or 2 (blue), or nil before any pixel.
    public func meanChannel(_ c: Int) -> Double? { pixels > 0 ? channelSums[c] / Double(pixels) : nil }
}
