import StainShiftImaging

/// Stain concentrations in OD units: three float32 planes in one allocation,
/// plane `k` holds stain `matrix.stains[k]`.
public struct StainPlanes: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var matrix: StainMatrix
    /// `3 * width * height` values: plane 0, then plane 1, then plane 2.
    public var values: [Float]

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
        matrix.index(of: role).map { $0 * pixelCount }
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
        if values.count != 3 * width * height { values = [Float](repeating: 0, count: 3 * width * height) }
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
