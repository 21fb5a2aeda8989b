import StainShiftImaging
import StainShiftStains
import StainShiftTissue

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
        var clock = StageClock()
        let px = parameters.safePixelSize
        let tissueMask = tissue.flatMap { $0.width == w && $0.height == h ? $0.mask : nil }
        // Working resolution: never finer than native.
        let factor = max(1, (parameters.requestedPixelSizeMicrons ?? px) / px)
        let W = factor > 1.0001 ? max(1, Int((Double(w) / factor).rounded())) : w
        let H = factor > 1.0001 ? max(1, Int((Double(h) / factor).rounded())) : h
        var channel = detectionChannel(planes, parameters.channel)
        var workTissue = tissueMask
        if W != w || H != h {
            channel = ProcessInfo.processInfo.environment["STAINSHIFT_BILINEAR"] == "1"
                ? Resampling.bilinear(channel, width: w, height: h, toWidth: W, height: H)
                : Resampling.downsample(channel, width: w, height: h, toWidth: W, height: H)
            workTissue = tissueMask.map { Resampling.downsample($0, width: w, height: h, toWidth: W, height: H) }
        }
        clock.lap("channel+downsample")
        let workPx = px * Double(w) / Double(W)
        let (workLabels, count) = NucleusSegmenter.segment(channel: channel, width: W, height: H, pixelSize: workPx,
                                                          tissue: workTissue, parameters: parameters)
        channel = []
        clock.lap("segment")
        let nucleusLabels = (W == w && H == h) ? workLabels
            : Resampling.upsample(workLabels, width: W, height: H, toWidth: w, height: h)
        let cellLabels = CellExpansion.expand(nucleusLabels, width: w, height: h,
                                              distance: parameters.cellExpansionMicrons / px)
        clock.lap("upsample+expand")
        let membrane = CellExpansion.membrane(cellLabels, width: w, height: h,
                                              thickness: parameters.membraneWidthMicrons / px)
        clock.lap("membrane")
        let cells = CellMeasurer.measure(planes: planes, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                         membrane: membrane, count: count, parameters: parameters)
        clock.lap("measure")
        return CellSegmentation(width: w, height: h, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                membraneMask: membrane, cells: cells)
    }

    /// The detection channel at native resolution.
    static func detectionChannel(_ planes: StainPlanes, _ channel: NucleusChannel) -> [Float] {
        let n = planes.pixelCount
        var out = [Float](repeating: 0, count: n)
        let hOffset = planes.planeOffset(.hematoxylin) ?? 0
        switch channel {
        case .hematoxylin:
            out.replaceSubrange(0..<n, with: planes.values[hOffset..<(hOffset + n)])
        case .hematoxylinPlusDAB:
            let d = planes.planeOffset(.dab)
            for i in 0..<n { out[i] = planes.values[hOffset + i] + (d.map { planes.values[$0 + i] } ?? 0) }
        case .opticalDensitySum:
            out.withUnsafeMutableBufferPointer { o in
                if let base = o.baseAddress { OpticalDensity.sum(planes, into: base) }
            }
        }
        return out
    }
}

import Foundation
/// Prints stage durations to stderr when STAINSHIFT_STAGE_TIMES=1 (development profiling).
struct StageClock {
    static let on = ProcessInfo.processInfo.environment["STAINSHIFT_STAGE_TIMES"] == "1"
    var last = Date()
    mutating func lap(_ name: String) {
        guard StageClock.on else { return }
        let now = Date()
        FileHandle.standardError.write(Data("stage \(name): \(String(format: "%.1f", now.timeIntervalSince(last) * 1000)) ms\n".utf8))
        last = now
    }
}
