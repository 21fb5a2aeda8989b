import StainShiftFoundation

/// A rectangle of pixels: origin at the top-left, `width` x `height`.
struct PixelRect: Sendable, Equatable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    var maxX: Int { x + width }
    var maxY: Int { y + height }
    var pixelCount: Int { width * height }

    /// Refuses empty rectangles and any that reach outside a `imageWidth` x `imageHeight` image.
    func check(within imageWidth: Int, _ imageHeight: Int, path: String) throws(FileError) {
        guard width > 0, height > 0 else {
            throw FileError(path: path, reason: "region \(width) x \(height) is empty")
        }
        guard x >= 0, y >= 0, x <= imageWidth - width, y <= imageHeight - height else {
            throw FileError(path: path, reason: "region \(width) x \(height) at (\(x), \(y)) lies outside the \(imageWidth) x \(imageHeight) image")
        }
    }

    /// The overlap with `other`, or nil when they do not meet.
    func intersection(_ other: PixelRect) -> PixelRect? {
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(maxX, other.maxX), y1 = Swift.min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

extension RGBImage {
    /// The pixels inside `rect` (which must lie within the image), same depth and pixel size.
    func cropped(to rect: PixelRect) -> RGBImage {
        func cut<T>(_ s: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(rect.pixelCount * 3)
            for row in rect.y..<rect.maxY {
                let start = (row * width + rect.x) * 3
                out.append(contentsOf: s[start..<(start + rect.width * 3)])
            }
            return out
        }
        switch samples {
        case .uint8(let s):
            return RGBImage(width: rect.width, height: rect.height, samples: .uint8(cut(s)), pixelSizeMicrons: pixelSizeMicrons)
        case .uint16(let s):
            return RGBImage(width: rect.width, height: rect.height, samples: .uint16(cut(s)), pixelSizeMicrons: pixelSizeMicrons)
        }
    }
}
