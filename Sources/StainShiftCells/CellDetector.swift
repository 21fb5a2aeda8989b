import StainShiftImaging
import StainShiftStains
import StainShiftTissue
import Foundation

/// Nuclei, cells, compartments and classes from stain planes.
///
/// Detection channel -> (optional downsampling to the requested pixel size) -> Gaussian -> threshold
/// (Otsu or fixed) or QuPath's LoG foreground -> holes filled -> exact distance transform ->
/// watershed from its h-maxima -> area filter -> (optionally a second pass on hematoxylin alone,
/// `CellParameters.hematoxylinPassThreshold`) -> cells by Voronoi-limited expansion of up to
/// `cellExpansionMicrons` -> membrane ring -> per-compartment measurements -> lymphocyte rule.
public enum CellDetector {
    /// `pool` lends and takes back the working buffers (see `BufferPool`); the returned label maps
    /// and membrane mask come from it too and may be recycled into it by the caller.
    public static func detect(_ planes: StainPlanes, tissue: TissueMask?, parameters: CellParameters,
                              pool: BufferPool? = nil) -> CellSegmentation {
        let pool = pool ?? .passThrough
        let w = planes.width, h = planes.height, n = w * h
        guard n > 0, planes.planeOffset(.hematoxylin) != nil else {
            var empty = CellSegmentation(width: w, height: h, nucleusLabels: [Int32](repeating: 0, count: n),
                                         cellLabels: [Int32](repeating: 0, count: n),
                                         membraneMask: [UInt8](repeating: 0, count: n), cells: [])
            empty.odScale = parameters.measurementODScale ?? 1
            return empty
        }
        let px = parameters.safePixelSize
        let tissueMask = tissue.flatMap { $0.width == w && $0.height == h ? $0.mask : nil }
        // One OD factor for every stain (see StainEstimation); 1 when off or not estimable.
        let odScale = parameters.normaliseStains ? (ODNormalisation.scale(planes, tissue: tissueMask) ?? 1) : 1
        // Working resolution: never finer than native.
        let factor = max(1, (parameters.requestedPixelSizeMicrons ?? px) / px)
        let W = factor > 1.0001 ? max(1, Int((Double(w) / factor).rounded())) : w
        let H = factor > 1.0001 ? max(1, Int((Double(h) / factor).rounded())) : h
        var workTissue = tissueMask
        if W != w || H != h {
            workTissue = tissueMask.map { Resampling.downsample($0, width: w, height: h, toWidth: W, height: H) }
        }
        let workPx = px * Double(w) / Double(W)
        // With H + DAB detection, the automatic threshold comes from hematoxylin alone: Otsu on H + DAB
        // would split DAB-positive nuclei from everything else (a Ki67 tile is bimodal in DAB).
        // (The LoG foreground only uses it as a floor for a nucleus's mean, so a low value is safe there.)
        // It comes first, so its buffers are free before segmentation needs its own.
        var automatic: Double? = nil
        if parameters.channel == .hematoxylinPlusDAB && parameters.threshold == nil && parameters.foreground == .laplacianOfGaussian {
            var otsu = workingChannel(planes, .hematoxylin, scale: odScale, width: W, height: H, pool: pool)
            automatic = NucleusSegmenter.automaticThreshold(of: &otsu, width: W, height: H, pixelSize: workPx,
                                                            tissue: workTissue, parameters: parameters, pool: pool)
            pool.recycle(&otsu)
        }
        var (workLabels, count) = segment(planes, odScale: odScale, width: W, height: H, pixelSize: workPx,
                                          tissue: workTissue, automaticThreshold: automatic, parameters: parameters,
                                          pool: pool)
        if let second = parameters.hematoxylinPassThreshold {
            count = mergeHematoxylinPass(into: &workLabels, count: count, planes: planes, threshold: second, odScale: odScale,
                                         width: W, height: H, pixelSize: workPx, tissue: workTissue,
                                         parameters: parameters, pool: pool)
        }
        let nucleusLabels = (W == w && H == h) ? workLabels
            : Resampling.upsample(workLabels, width: W, height: H, toWidth: w, height: h)
        let cellLabels = CellExpansion.expand(nucleusLabels, width: w, height: h,
                                              distance: parameters.cellExpansionMicrons / px, pool: pool)
        let membrane = CellExpansion.membrane(cellLabels, width: w, height: h,
                                              thickness: parameters.membraneWidthMicrons / px, pool: pool)
        let measureScale = parameters.measurementODScale ?? odScale
        let cells = CellMeasurer.measure(planes: planes, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                         membrane: membrane, count: count, odScale: measureScale,
                                         parameters: parameters, pool: pool)
        var segmentation = CellSegmentation(width: w, height: h, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                            membraneMask: membrane, cells: cells)
        segmentation.odScale = measureScale
        return segmentation
    }

    /// Nuclei of `parameters.channel` at the working resolution W x H. At native resolution
    /// hematoxylin (+ DAB) is read from the planes themselves; any other channel is computed.
    static func segment(_ planes: StainPlanes, odScale: Float, width W: Int, height H: Int, pixelSize workPx: Double,
                        tissue: [UInt8]?, automaticThreshold: Double?, parameters: CellParameters,
                        pool: BufferPool) -> (labels: [Int32], count: Int) {
        let hOffset = planes.planeOffset(.hematoxylin) ?? 0, dOffset = planes.planeOffset(.dab)
        let channel = parameters.channel
        let direct = W == planes.width && H == planes.height
            && (channel == .hematoxylin || (channel == .hematoxylinPlusDAB && dOffset != nil))
        var computed = direct ? [] : workingChannel(planes, channel, scale: odScale, width: W, height: H, pool: pool)
        let source = direct ? planes.values : computed
        let result = source.withUnsafeBufferPointer { v -> ([Int32], Int) in
            guard let base = v.baseAddress else { return ([Int32](repeating: 0, count: W * H), 0) }
            var raw = RawChannel(pointer: base + (direct ? hOffset : 0), scale: direct ? odScale : 1)
            if direct, channel == .hematoxylinPlusDAB, let d = dOffset { raw.second = UnsafePointer(base + d) }
            return NucleusSegmenter.segment(raw: raw, automaticThreshold: automaticThreshold, width: W, height: H,
                                            pixelSize: workPx, tissue: tissue, parameters: parameters, pool: pool)
        }
        pool.recycle(&computed)
        return result
    }

    /// `channel` times `scale` at the working resolution W x H (downsampled when coarser than native).
    static func workingChannel(_ planes: StainPlanes, _ channel: NucleusChannel, scale: Float, width W: Int, height H: Int,
                               pool: BufferPool) -> [Float] {
        let native = detectionChannel(planes, channel, scale: scale, pool: pool)
        guard W != planes.width || H != planes.height else { return native }
        return Resampling.downsample(native, width: planes.width, height: planes.height, toWidth: W, height: H)
    }

    /// `parameters.hematoxylinPassThreshold`: nuclei segmented on hematoxylin alone (at the working
    /// resolution, with the same sizes and checks) replace `labels` (`count` nuclei of the first
    /// pass), which keep only the nuclei none of whose pixels lies in a hematoxylin nucleus,
    /// numbered after those in raster order of first pixel. Returns the new count.
    static func mergeHematoxylinPass(into labels: inout [Int32], count: Int, planes: StainPlanes, threshold: Double,
                                     odScale: Float, width W: Int, height H: Int, pixelSize workPx: Double,
                                     tissue: [UInt8]?, parameters: CellParameters, pool: BufferPool) -> Int {
        var p = parameters
        p.channel = .hematoxylin
        p.threshold = threshold
        p.hematoxylinPassThreshold = nil
        var (second, secondCount) = segment(planes, odScale: odScale, width: W, height: H, pixelSize: workPx,
                                            tissue: tissue, automaticThreshold: nil, parameters: p, pool: pool)
        defer { pool.recycle(&second) }
        guard secondCount > 0, second.count == labels.count else { return count }
        // The hematoxylin nuclei come first; a first-pass nucleus touching any of their pixels is
        // the same nucleus (or brown cytoplasm beside it) and is dropped.
        var taken = [Bool](repeating: false, count: count + 1)
        for i in labels.indices where labels[i] != 0 && second[i] != 0 { taken[Int(labels[i])] = true }
        var map = [Int32](repeating: 0, count: count + 1)
        var next = Int32(secondCount)
        for i in labels.indices {
            let k = Int(labels[i])
            if k != 0, !taken[k] {
                if map[k] == 0 { next += 1; map[k] = next }
                second[i] = map[k]
            }
        }
        swap(&labels, &second)
        return Int(next)
    }

    /// The detection channel at native resolution, multiplied by `scale`.
    static func detectionChannel(_ planes: StainPlanes, _ channel: NucleusChannel, scale: Float = 1,
                                 pool: BufferPool? = nil) -> [Float] {
        let n = planes.pixelCount
        var out = pool?.floats(n) ?? [Float](repeating: 0, count: n)
        let hOffset = planes.planeOffset(.hematoxylin) ?? 0
        let dOffset = planes.planeOffset(.dab)
        out.withUnsafeMutableBufferPointer { o in
            planes.values.withUnsafeBufferPointer { v in
                guard let ob = o.baseAddress else { return }
                switch channel {
                case .hematoxylin:
                    for i in 0..<n { o[i] = v[hOffset + i] * scale }
                case .hematoxylinPlusDAB:
                    if let d = dOffset {
                        for i in 0..<n { o[i] = (v[hOffset + i] + v[d + i]) * scale }
                    } else {
                        for i in 0..<n { o[i] = v[hOffset + i] * scale }
                    }
                case .opticalDensitySum:
                    OpticalDensity.sum(planes, into: ob)
                    if scale != 1 { for i in 0..<n { o[i] *= scale } }
                }
            }
        }
        return out
    }
}
