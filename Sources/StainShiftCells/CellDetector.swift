import StainShiftImaging
import StainShiftStains
import StainShiftTissue
import Foundation

/// Nuclei, cells, compartments and classes from stain planes.
///
/// Detection channel -> (optional downsampling to the requested pixel size) -> Gaussian -> threshold
/// (Otsu or fixed) or QuPath's LoG foreground -> holes filled -> exact distance transform ->
/// watershed from its h-maxima -> area filter -> cells by Voronoi-limited expansion of up to
/// `cellExpansionMicrons` -> membrane ring -> per-compartment measurements -> lymphocyte rule.
public enum CellDetector {
    public static func detect(_ planes: StainPlanes, tissue: TissueMask?, parameters: CellParameters) -> CellSegmentation {
        let w = planes.width, h = planes.height, n = w * h
        guard n > 0, planes.planeOffset(.hematoxylin) != nil else {
            return CellSegmentation(width: w, height: h, nucleusLabels: [Int32](repeating: 0, count: n),
                                    cellLabels: [Int32](repeating: 0, count: n),
                                    membraneMask: [UInt8](repeating: 0, count: n), cells: [])
        }
        let px = parameters.safePixelSize
        let tissueMask = tissue.flatMap { $0.width == w && $0.height == h ? $0.mask : nil }
        // One OD factor for every stain (see StainEstimation); 1 when off or not estimable.
        let odScale = parameters.normaliseStains ? (StainEstimation.scale(planes, tissue: tissueMask) ?? 1) : 1
        // Working resolution: never finer than native.
        let factor = max(1, (parameters.requestedPixelSizeMicrons ?? px) / px)
        let W = factor > 1.0001 ? max(1, Int((Double(w) / factor).rounded())) : w
        let H = factor > 1.0001 ? max(1, Int((Double(h) / factor).rounded())) : h
        var channel = detectionChannel(planes, parameters.channel, scale: odScale)
        // With H + DAB detection, the automatic threshold comes from hematoxylin alone: Otsu on H + DAB
        // would split DAB-positive nuclei from everything else (a Ki67 tile is bimodal in DAB).
        // (The LoG foreground only uses it as a floor for a nucleus's mean, so a low value is safe there.)
        var otsuChannel: [Float]? = parameters.channel == .hematoxylinPlusDAB && parameters.threshold == nil
            && parameters.foreground == .laplacianOfGaussian ? detectionChannel(planes, .hematoxylin, scale: odScale) : nil
        var workTissue = tissueMask
        if W != w || H != h {
            otsuChannel = otsuChannel.map { Resampling.downsample($0, width: w, height: h, toWidth: W, height: H) }
            channel = Resampling.downsample(channel, width: w, height: h, toWidth: W, height: H)
            workTissue = tissueMask.map { Resampling.downsample($0, width: w, height: h, toWidth: W, height: H) }
        }
        let workPx = px * Double(w) / Double(W)
        let (workLabels, count) = NucleusSegmenter.segment(channel: channel, otsuChannel: otsuChannel, width: W, height: H, pixelSize: workPx,
                                                          tissue: workTissue, parameters: parameters)
        channel = []
        otsuChannel = nil
        let nucleusLabels = (W == w && H == h) ? workLabels
            : Resampling.upsample(workLabels, width: W, height: H, toWidth: w, height: h)
        let cellLabels = CellExpansion.expand(nucleusLabels, width: w, height: h,
                                              distance: parameters.cellExpansionMicrons / px)
        let membrane = CellExpansion.membrane(cellLabels, width: w, height: h,
                                              thickness: parameters.membraneWidthMicrons / px)
        let cells = CellMeasurer.measure(planes: planes, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                         membrane: membrane, count: count, odScale: odScale,
                                         parameters: parameters)
        var segmentation = CellSegmentation(width: w, height: h, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                            membraneMask: membrane, cells: cells)
        segmentation.odScale = odScale
        return segmentation
    }

    /// The detection channel at native resolution, multiplied by `scale`.
    static func detectionChannel(_ planes: StainPlanes, _ channel: NucleusChannel, scale: Float = 1) -> [Float] {
        let n = planes.pixelCount
        var out = [Float](repeating: 0, count: n)
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
