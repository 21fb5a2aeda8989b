import StainShiftImaging

/// Stain concentrations in OD units: three float32 planes in one allocation,
/// plane `k` holds stain `matrix.stains[k]`.
public struct StainPlanes: Sendable {
    public let width: Int
    public let height: Int
    public let matrix: StainMatrix
    /// `3 * width * height` values: plane 0, then plane 1, then plane 2.
    public var values: [Float]

    public init(width: Int, height: Int, matrix: StainMatrix, values: [Float]) {
        precondition(values.count == 3 * width * height)
        self.width = width; self.height = height; self.matrix = matrix; self.values = values
    }

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
}
