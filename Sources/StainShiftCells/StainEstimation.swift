import StainShiftStains

/// Per-image intensity normalisation, so two scanners' images of one slide give the same optical
/// densities. Scanner gamma, exposure and JPEG tone curves multiply every OD by roughly one factor
/// (the OS-2 Olympus scan has about half the hematoxylin and DAB OD of the Hamamatsu scan), so all
/// stain planes are scaled by one factor that brings hematoxylin's 99th percentile over tissue to
/// a reference, as Macenko et al. (2009, ISBI) normalise concentrations by a robust maximum.
/// Hematoxylin is the reference because every tissue tile has nuclei, whatever the marker does.
/// (Re-estimating the stain vectors per image by Macenko's method made the two OS-2 scans agree
/// less, 45% vs 26% Ki67-positive, so the given vectors are kept.)
enum StainEstimation {
    /// Hematoxylin OD 99th percentile over tissue after normalisation: the level of a well-stained
    /// scan with the Ruifrok–Johnston vectors (OS-2 Hamamatsu scan: 0.82; Olympus: 0.47).
    static let referenceHematoxylinP99: Float = 0.8
    /// Below this 99th percentile there is too little hematoxylin to estimate a scale.
    static let minHematoxylinP99: Float = 0.05

    /// The normalisation factor, or nil when the image has too little hematoxylin.
    static func scale(_ planes: StainPlanes, tissue: [UInt8]?) -> Float? {
        let n = planes.pixelCount
        guard n >= 64, let o = planes.planeOffset(.hematoxylin) else { return nil }
        let stride = max(1, n / 250_000)
        var h: [Float] = []
        h.reserveCapacity(n / stride + 1)
        var i = 0
        while i < n {
            if (tissue?[i] ?? 1) != 0 { h.append(planes.values[o + i]) }
            i += stride
        }
        guard h.count >= 64 else { return nil }
        h.sort()
        let p99 = h[h.count * 99 / 100]
        guard p99 >= minHematoxylinP99 else { return nil }
        return referenceHematoxylinP99 / p99
    }

    /// All planes multiplied by `scale(planes, tissue:)`; nil when no scale can be estimated.
    static func normalise(_ planes: StainPlanes, tissue: [UInt8]?) -> StainPlanes? {
        guard let s = scale(planes, tissue: tissue) else { return nil }
        var p = planes
        p.values.withUnsafeMutableBufferPointer { v in
            for j in v.indices { v[j] *= s }
        }
        return p
    }
}
