/// Per-image intensity normalisation, so two scanners' images of one slide give the same optical
/// densities. Scanner gamma, exposure and JPEG tone curves multiply every OD by roughly one factor
/// (the OS-2 Olympus scan has about half the hematoxylin and DAB OD of the Hamamatsu scan), so all
/// stain planes are scaled by one factor that brings hematoxylin's 99th percentile over tissue to
/// a reference, as Macenko et al. (2009, ISBI) normalise concentrations by a robust maximum.
/// Hematoxylin is the reference because every tissue tile has nuclei, whatever the marker does.
/// The factor is applied on the fly (detection channel and measurements), never by copying planes.
/// (Re-estimating the stain vectors per image by Macenko's method made the two OS-2 scans agree
/// less, 45% vs 26% Ki67-positive, so the given vectors are kept.)
/// (Named apart from Macenko's `StainEstimation`, which estimates stain vectors, not a factor.)
public enum ODNormalisation {
    /// Hematoxylin OD 99th percentile over tissue after normalisation: the level of a well-stained
    /// scan with the Ruifrok–Johnston vectors (OS-2 Hamamatsu scan: 0.82; Olympus: 0.47).
    public static let referenceHematoxylinP99: Float = 0.8
    /// Below this 99th percentile there is too little hematoxylin to estimate a scale.
    public static let minHematoxylinP99: Float = 0.05

    /// The normalisation factor, or nil when the image has too little hematoxylin. The 99th
    /// percentile comes from a 4096-bin histogram over 0-4 OD (0.001 OD bins) of tissue pixels.
    public static func scale(_ planes: StainPlanes, tissue: [UInt8]?) -> Float? {
        let n = planes.pixelCount
        guard n >= 64, let o = planes.planeOffset(.hematoxylin) else { return nil }
        let bins = 4096, top: Float = 4
        var hist = [Int](repeating: 0, count: bins)
        var total = 0
        planes.values.withUnsafeBufferPointer { v in
            hist.withUnsafeMutableBufferPointer { hb in
                for i in 0..<n where (tissue?[i] ?? 1) != 0 {
                    let x = v[o + i]
                    let b = x <= 0 ? 0 : (x >= top ? bins - 1 : Int(x * Float(bins) / top))
                    hb[b] += 1
                    total += 1
                }
            }
        }
        guard total >= 64 else { return nil }
        let target = total - total / 100
        var acc = 0, bin = 0
        while bin < bins - 1 && acc + hist[bin] < target { acc += hist[bin]; bin += 1 }
        let p99 = (Float(bin) + 0.5) * top / Float(bins)
        guard p99 >= minHematoxylinP99 else { return nil }
        return referenceHematoxylinP99 / p99
    }
}
