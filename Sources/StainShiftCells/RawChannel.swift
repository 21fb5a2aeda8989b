/// The raw detection channel as read: `pointer[i] * scale`, or `(pointer[i] + second[i]) * scale`
/// for hematoxylin + DAB. Lets detection read the stain planes themselves (with the image's OD
/// factor) instead of a 16 MB copy; the values are the same floats the copy would hold.
struct RawChannel: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    var second: UnsafePointer<Float>? = nil
    let scale: Float
    @inline(__always) subscript(i: Int) -> Float {
        if let q = second { return (pointer[i] + q[i]) * scale }
        return pointer[i] * scale
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Writes row `y` (`width` values) to `out`: the row source of `GaussianBlur.blur(rows:...)`.
    func rowReader(width w: Int) -> @Sendable (Int, UnsafeMutablePointer<Float>) -> Void {
        let channel = self
        // The same products as the subscript, eight at a time.
        return { y, out in
            let a = channel.pointer + y * w, scale = channel.scale
            var x = 0
            if let q = channel.second.map({ $0 + y * w }) {
                while x + 8 <= w { Self.store((Self.load(a + x) + Self.load(q + x)) * scale, out + x); x += 8 }
                while x < w { out[x] = (a[x] + q[x]) * scale; x += 1 }
            } else {
                while x + 8 <= w { Self.store(Self.load(a + x) * scale, out + x); x += 8 }
                while x < w { out[x] = a[x] * scale; x += 1 }
            }
        }
    }
}
