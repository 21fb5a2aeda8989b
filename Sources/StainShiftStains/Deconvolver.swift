import CStreamStore
import Foundation
import StainShiftImaging

/// A prepared colour deconvolution: OD lookup table and inverse for one stain matrix, white point
/// and bit depth. Build once, run on many tiles; with `into:` the output buffer is reused too.
///
/// Kernel: per 8 pixels, 24 table look-ups into `SIMD8<Float>` OD vectors, then the 3x3 inverse
/// as 9 vector multiply-adds, stored to three planes. Rows are split over `threads` workers;
/// every pixel goes through the same vector code (ragged ends through a padded copy), so the
/// output is bit-identical whatever the thread count.
public struct Deconvolver: Sendable {
    public let matrix: StainMatrix
    public let table: ODTable
    /// Inverse entries as Float, row-major: `c_k = odR * m[k] + odG * m[3 + k] + odB * m[6 + k]`.
    let m: [Float]

    public init(matrix: StainMatrix, whitePoint: WhitePoint, bitDepth: Int) {
        self.matrix = matrix
        self.table = ODTable(bitDepth: bitDepth, whitePoint: whitePoint)
        self.m = matrix.inverse.map { Float($0) }
    }

    /// Unmixes `image` into `planes`, reshaping (and reallocating) the buffer only when the size changes.
    /// An image whose bit depth differs from the table's is handled with a table built on the fly.
    public func run(_ image: RGBImage, threads: Int? = nil, into planes: inout StainPlanes) {
        planes.reshape(width: image.width, height: image.height, matrix: matrix)
        let n = image.pixelCount
        guard n > 0 else { return }
        let table = image.bitDepth == self.table.bitDepth ? self.table : ODTable(bitDepth: image.bitDepth, whitePoint: self.table.whitePoint)
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, image.height))
        let w = image.width, h = image.height
        let coeffs = Coefficients(m)
        planes.values.withUnsafeMutableBufferPointer { out in
            table.red.withUnsafeBufferPointer { lr in
                table.green.withUnsafeBufferPointer { lg in
                    table.blue.withUnsafeBufferPointer { lb in
                        // Non-empty buffers always have a base address; the guard only satisfies the type.
                        guard let o = out.baseAddress, let r = lr.baseAddress, let g = lg.baseAddress, let b = lb.baseAddress else { return }
                        let dst = SendablePointer(o), luts = LUTs(r: r, g: g, b: b)
                        switch image.samples {
                        case .uint8(let s):
                            s.withUnsafeBufferPointer { src in
                                guard let base = src.baseAddress else { return }
                                let p = SendableSource(base)
                                Deconvolver.split(rows: h, workers: workers) { rows in
                                    kernel(p.pointer, luts, coeffs, dst.pointer, n, rows.lowerBound * w, rows.upperBound * w)
                                }
                            }
                        case .uint16(let s):
                            s.withUnsafeBufferPointer { src in
                                guard let base = src.baseAddress else { return }
                                let p = SendableSource(base)
                                Deconvolver.split(rows: h, workers: workers) { rows in
                                    kernel(p.pointer, luts, coeffs, dst.pointer, n, rows.lowerBound * w, rows.upperBound * w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Unmixes `image` into freshly allocated planes.
    public func run(_ image: RGBImage, threads: Int? = nil) -> StainPlanes {
        var planes = StainPlanes(matrix: matrix)
        run(image, threads: threads, into: &planes)
        return planes
    }

    /// Runs `body` on `workers` contiguous row ranges, concurrently when more than one.
    static func split(rows: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void) {
        if workers <= 1 { body(0..<rows); return }
        DispatchQueue.concurrentPerform(iterations: workers) { k in
            body((rows * k / workers)..<(rows * (k + 1) / workers))
        }
    }
}

/// The inverse as 9 broadcast vectors.
struct Coefficients: Sendable {
    let c: [SIMD8<Float>]
    init(_ m: [Float]) { c = m.map { SIMD8<Float>(repeating: $0) } }
}

struct LUTs: @unchecked Sendable {
    let r: UnsafePointer<Float>, g: UnsafePointer<Float>, b: UnsafePointer<Float>
}

struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { pointer = p }
}

struct SendableSource<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { pointer = p }
}

/// Unmixes pixels `start..<end` of interleaved RGB `src` into planes at `dst`, `dst + n`, `dst + 2n`.
@inline(__always)
func kernel<T: FixedWidthInteger & UnsignedInteger>(_ src: UnsafePointer<T>, _ lut: LUTs, _ k: Coefficients,
                                                    _ dst: UnsafeMutablePointer<Float>, _ n: Int, _ start: Int, _ end: Int) {
    let m00 = k.c[0], m01 = k.c[1], m02 = k.c[2]
    let m10 = k.c[3], m11 = k.c[4], m12 = k.c[5]
    let m20 = k.c[6], m21 = k.c[7], m22 = k.c[8]
    let lr = lut.r, lg = lut.g, lb = lut.b
    let p0 = UnsafeMutableRawPointer(dst), p1 = UnsafeMutableRawPointer(dst + n), p2 = UnsafeMutableRawPointer(dst + 2 * n)

    @inline(__always) func eight(_ s: UnsafePointer<T>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let r = SIMD8<Float>(lr[Int(s[0])], lr[Int(s[3])], lr[Int(s[6])], lr[Int(s[9])],
                             lr[Int(s[12])], lr[Int(s[15])], lr[Int(s[18])], lr[Int(s[21])])
        let g = SIMD8<Float>(lg[Int(s[1])], lg[Int(s[4])], lg[Int(s[7])], lg[Int(s[10])],
                             lg[Int(s[13])], lg[Int(s[16])], lg[Int(s[19])], lg[Int(s[22])])
        let b = SIMD8<Float>(lb[Int(s[2])], lb[Int(s[5])], lb[Int(s[8])], lb[Int(s[11])],
                             lb[Int(s[14])], lb[Int(s[17])], lb[Int(s[20])], lb[Int(s[23])])
        return (r * m00 + g * m10 + b * m20, r * m01 + g * m11 + b * m21, r * m02 + g * m12 + b * m22)
    }

    var i = start
    // Streaming stores when all three planes are 16-byte aligned at `start` (any tile whose pixel
    // count and row-range starts are multiples of 4): the planes are written, not read back, so
    // they skip the cache. Otherwise ordinary stores; the values are the same either way.
    let aligned = (Int(bitPattern: dst + start) | (n * MemoryLayout<Float>.stride)) & 15 == 0
    if aligned {
        while i + 8 <= end {
            let (c0, c1, c2) = eight(src + 3 * i)
            ss_stream8(dst + i, c0)
            ss_stream8(dst + n + i, c1)
            ss_stream8(dst + 2 * n + i, c2)
            i += 8
        }
        ss_store_fence()
    } else {
        while i + 8 <= end {
            let (c0, c1, c2) = eight(src + 3 * i)
            let byte = i * MemoryLayout<Float>.stride
            p0.storeBytes(of: c0, toByteOffset: byte, as: SIMD8<Float>.self)
            p1.storeBytes(of: c1, toByteOffset: byte, as: SIMD8<Float>.self)
            p2.storeBytes(of: c2, toByteOffset: byte, as: SIMD8<Float>.self)
            i += 8
        }
    }
    if i < end {
        // Ragged end: pad with copies of the last pixel so it runs through the same vector code.
        let left = end - i
        withUnsafeTemporaryAllocation(of: T.self, capacity: 24) { pad in
            for j in 0..<8 {
                let from = 3 * (i + min(j, left - 1))
                pad[3 * j] = src[from]; pad[3 * j + 1] = src[from + 1]; pad[3 * j + 2] = src[from + 2]
            }
            guard let padded = pad.baseAddress else { return }
            let (c0, c1, c2) = eight(UnsafePointer(padded))
            for j in 0..<left {
                p0.storeBytes(of: c0[j], toByteOffset: (i + j) * 4, as: Float.self)
                p1.storeBytes(of: c1[j], toByteOffset: (i + j) * 4, as: Float.self)
                p2.storeBytes(of: c2[j], toByteOffset: (i + j) * 4, as: Float.self)
            }
        }
    }
}
