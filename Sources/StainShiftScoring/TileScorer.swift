import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftStains
import StainShiftTissue

extension TileScorer {
    /// Scores one tile for one marker: the additive totals and QC flags that cohorts sum.
    public static func score(_ image: RGBImage, name: String, marker: Marker, settings: ScoringSettings) -> TileScore {
        analyse(image, name: name, marker: marker, settings: settings).score
    }

    /// Scores one tile and keeps what the score came from (planes, tissue, cells, bins) for
    /// `--cells` and `--overlay`. Empty, blank or saturated tiles give valid, flagged results.
    public static func analyse(_ image: RGBImage, name: String, marker: Marker, settings: ScoringSettings) -> TileAnalysis {
        var clock = StageClock()
        let px = settings.pixelSize(for: image)
        let planes = Deconvolution.deconvolve(image, matrix: settings.stains, background: settings.background,
                                                threads: settings.threads)
        clock.lap("deconvolution")
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: px)
        let flags = TileQC.assess(image, planes: planes, tissue: tissue)
        clock.lap("tissue+qc")
        let segmentation = CellDetector.detect(planes, tissue: tissue, parameters: cellParameters(for: marker, pixelSizeMicrons: px))
        clock.lap("cells")
        var analysis = assemble(name: name, marker: marker, planes: planes, tissue: tissue, segmentation: segmentation,
                                qcFlags: flags, pixelSizeMicrons: px, settings: settings)
        clock.lap("scoring")
        analysis.timings = clock.laps
        return analysis
    }

    /// Detection settings for a marker: nuclei are found on hematoxylin, or on hematoxylin + DAB for
    /// nuclear markers (a strongly stained nucleus is brown, not blue).
    public static func cellParameters(for marker: Marker, pixelSizeMicrons: Double) -> CellParameters {
        var p = CellParameters(pixelSizeMicrons: pixelSizeMicrons)
        p.channel = marker.nuclearStain ? .hematoxylinPlusDAB : .hematoxylin
        return p
    }
}

/// Wall-clock time of each scoring stage, for `stainshift score --timings` and benchmarks.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now &- last) / 1e9))
        last = now
    }
}
