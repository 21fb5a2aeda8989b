// SIMD helpers of the Cells kernels.

/// Whether any lane of `v` is negative: the sign bits of the four 64-bit quarters OR-ed together
/// (the standard library's mask reductions go lane by lane, a loop inside per-pixel kernels).
@inline(__always)
func anySignBit(_ v: SIMD8<Int32>) -> Bool {
    let words = unsafeBitCast(v, to: SIMD4<UInt64>.self)
    return (words[0] | words[1] | words[2] | words[3]) & 0x8000_0000_8000_0000 != 0
}

/// `SIMD8<Int32>` loaded from `p` (no alignment needed).
@inline(__always)
func load8(_ p: UnsafePointer<Int32>) -> SIMD8<Int32> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self)
}

/// Lane-wise maximum and minimum by compare and select (the standard library's generic
/// `pointwiseMax`/`pointwiseMin` are not inlined into the kernels).
@inline(__always)
func lanesMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }

@inline(__always)
func lanesMin(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .< a) }
