/// A rectangle of pixels (origin top-left, `width` x `height`) in public API: an analysis tile's
/// core, its read region, or a region of an image. Imaging's `PixelRect` is internal to its reader.
public struct TileRect: Sendable, Equatable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// Whether the point lies in the rectangle: left and top edges included, right and bottom
    /// excluded, so a point on a shared edge of two neighbouring cores belongs to exactly one.
    public func contains(x px: Double, y py: Double) -> Bool {
        px >= Double(x) && px < Double(maxX) && py >= Double(y) && py < Double(maxY)
    }

    /// The overlap with `other`, or nil when they do not meet.
    public func intersection(_ other: TileRect) -> TileRect? {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return TileRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The rectangle grown by `margin` on every side.
    public func expanded(by margin: Int) -> TileRect {
        TileRect(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }

    /// The rectangle moved by (`dx`, `dy`).
    public func offsetBy(dx: Int, dy: Int) -> TileRect { TileRect(x: x + dx, y: y + dy, width: width, height: height) }
}
