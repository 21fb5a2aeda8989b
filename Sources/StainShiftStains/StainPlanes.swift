import StainShiftImaging

/// Stain concentrations in OD units: three float32 planes in one allocation,
/// plane `k` holds stain `matrix.stains[k]`.
public struct StainPlanes: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var matrix: StainMatrix
    /// `planeCount * width * height` values: plane 0, then plane 1, then plane 2.
    public var values: [Float]
    /// Planes held: 3, or 2 after `releaseLastPlane()`.
    public private(set) var planeCount = 3

    public init(width: Int, height: Int, matrix: StainMatrix, values: [Float]) {
        precondition(values.count == 3 * width * height)
        self.width = width; self.height = height; self.matrix = matrix; self.values = values
    }

    /// Zero-filled planes, e.g. a buffer to pass to `Deconvolution.deconvolve(_:matrix:...:into:)`.
    public init(width: Int, height: Int, matrix: StainMatrix) {
        self.init(width: width, height: height, matrix: matrix, values: [Float](repeating: 0, count: 3 * width * height))
    }

    /// An empty buffer that grows on first use.
    public init(matrix: StainMatrix) { self.init(width: 0, height: 0, matrix: matrix) }

    public var pixelCount: Int { width * height }

    /// Offset of a role's plane in `values`, or nil when the matrix has no such stain.
    public func planeOffset(_ role: StainRole) -> Int? {
        guard let k = matrix.index(of: role), k < planeCount else { return nil }
        return k * pixelCount
    }

    /// Drops the third plane and returns its memory to the system (the array keeps its capacity,
    /// so a later `reshape` or pool reuse needs no new allocation). Scoring calls it once tissue
    /// and QC are done when only hematoxylin and DAB are read after that: a 2048² tile's residual
    /// plane is 16 MB of its peak.
    public mutating func releaseLastPlane() {
        let n = pixelCount
        guard planeCount == 3, n > 0 else { return }
        values.removeLast(n)
        planeCount = 2
        guard values.capacity >= 3 * n else { return }
        values.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress else { return }
            // Past `count` but within the allocation: no Swift access, only the pages are returned.
            PageRelease.release(UnsafeMutableRawPointer(base + 2 * n), bytes: n * MemoryLayout<Float>.stride)
        }
    }

    /// A copy of one plane (convenience for tests and writers; kernels use `values` directly).
    public func plane(_ role: StainRole) -> [Float]? {
        guard let o = planeOffset(role) else { return nil }
        return Array(values[o..<(o + pixelCount)])
    }

    /// Makes the buffer hold `width x height` pixels for `matrix`, reallocating only when the
    /// pixel count changes (contents are then unspecified until overwritten).
    public mutating func reshape(width: Int, height: Int, matrix: StainMatrix) {
        precondition(width >= 0 && height >= 0)
        let count = 3 * width * height
        if values.count != count {
            if planeCount == 2 && values.capacity >= count && values.count == 2 * width * height {
                values.append(contentsOf: repeatElement(0, count: width * height))
            } else {
                values = [Float](repeating: 0, count: count)
            }
        }
        planeCount = 3
        self.width = width; self.height = height; self.matrix = matrix
    }

    /// Mean of one plane in Double (rows summed in order, so the result does not depend on threads).
    public func mean(_ role: StainRole) -> Double? {
        guard let o = planeOffset(role), pixelCount > 0 else { return nil }
        return values.withUnsafeBufferPointer { v in
            var total = 0.0
            for y in 0..<height {
                var row = 0.0
                let start = o + y * width
                for i in start..<(start + width) { row += Double(v[i]) }
                total += row
            }
            return total / Double(pixelCount)
        }
    }

    /// Sets negative concentrations to zero (`--clip`).
    public mutating func clipNegatives() {
        values.withUnsafeMutableBufferPointer { v in
            for i in v.indices where v[i] < 0 { v[i] = 0 }
        }
    }
}
