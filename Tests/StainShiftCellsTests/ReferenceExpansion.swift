import StainShiftTissue
@testable import StainShiftCells

/// The original cell expansion (a full feature transform from DistanceTransform), kept as the
/// reference the production `CellExpansion.expand` must reproduce label for label.
enum ReferenceExpansion {
    /// Each pixel within `distance` pixels of a nucleus takes the label of its nearest nucleus pixel
    /// (exact Euclidean feature transform), so neighbouring cells meet halfway and never overlap.
    static func expand(_ nuclei: [Int32], width w: Int, height h: Int, distance: Double) -> [Int32] {
        guard distance >= 0.5, !nuclei.isEmpty else { return nuclei }
        let n = w * h
        let limit = Float(distance * distance)
        let mask = nuclei.map { UInt8($0 != 0 ? 1 : 0) }
        var d2 = [Float](repeating: 0, count: n)
        var nearest = [Int32](repeating: -1, count: n)
        mask.withUnsafeBufferPointer { m in
            d2.withUnsafeMutableBufferPointer { d in
                nearest.withUnsafeMutableBufferPointer { f in
                    guard let m = m.baseAddress, let d = d.baseAddress, let f = f.baseAddress else { return }
                    DistanceTransform.squared(mask: m, featureNonZero: true, width: w, height: h, limit: distance + 1,
                                              out: d, nearest: f)
                }
            }
        }
        for i in 0..<n {
            let f = Int(nearest[i])
            nearest[i] = (f >= 0 && f < n && d2[i] <= limit) ? nuclei[f] : 0
        }
        return nearest
    }
}
