/// The TIFF Orientation tag (TIFF 6.0, section 8): where stored row 0 and column 0 sit on screen.
/// StainShift returns images as displayed, so a region asked for in display coordinates is
/// mapped back to the stored rectangle, decoded, and remapped.
struct Orientation: Sendable, Equatable {
    /// 1...8; 1 is rows top to bottom, columns left to right.
    let value: Int
    /// Stored size.
    let storedWidth: Int
    let storedHeight: Int

    var isIdentity: Bool { value == 1 }
    var transposes: Bool { value >= 5 }

    /// The stored pixel shown at display position (x, y).
    @inline(__always)
    func stored(_ x: Int, _ y: Int) -> (x: Int, y: Int) {
        let w = storedWidth - 1, h = storedHeight - 1
        switch value {
        case 2: return (w - x, y)
        case 3: return (w - x, h - y)
        case 4: return (x, h - y)
        case 5: return (y, x)
        case 6: return (y, h - x)
        case 7: return (w - y, h - x)
        case 8: return (w - y, x)
        default: return (x, y)
        }
    }

    /// The stored rectangle holding every pixel of the display rectangle `rect`.
    func storedRect(for rect: PixelRect) -> PixelRect {
        let a = stored(rect.x, rect.y), b = stored(rect.maxX - 1, rect.maxY - 1)
        let x0 = min(a.x, b.x), y0 = min(a.y, b.y)
        return PixelRect(x: x0, y: y0, width: max(a.x, b.x) - x0 + 1, height: max(a.y, b.y) - y0 + 1)
    }

    /// Rearranges `samples` (RGB, covering `source`, a stored rectangle) into the display rectangle `rect`.
    func remap<T>(_ samples: [T], source: PixelRect, to rect: PixelRect) -> [T] {
        guard !isIdentity, let first = samples.first else { return samples }
        var out = [T](repeating: first, count: rect.pixelCount * 3)
        out.withUnsafeMutableBufferPointer { o in
            samples.withUnsafeBufferPointer { s in
                var i = 0
                for y in rect.y..<rect.maxY {
                    for x in rect.x..<rect.maxX {
                        let p = stored(x, y)
                        let j = ((p.y - source.y) * source.width + (p.x - source.x)) * 3
                        o[i] = s[j]; o[i + 1] = s[j + 1]; o[i + 2] = s[j + 2]
                        i += 3
                    }
                }
            }
        }
        return out
    }
}
