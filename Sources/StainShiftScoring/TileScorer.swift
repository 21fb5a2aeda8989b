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
        let px = settings.pixelSize(for: image)
        let planes = Deconvolution.deconvolve(image, matrix: settings.stains, background: settings.background,
                                                threads: settings.threads)
        let tissue = TissueDetector.detect(image, planes: planes, pixelSizeMicrons: px)
        let flags = TileQC.assess(image, planes: planes, tissue: tissue)
        let segmentation = CellDetector.detect(planes, tissue: tissue, parameters: cellParameters(for: marker, pixelSizeMicrons: px))
        return assemble(name: name, marker: marker, planes: planes, tissue: tissue, segmentation: segmentation,
                        qcFlags: flags, pixelSizeMicrons: px, settings: settings)
    }

    /// Detection settings for a marker: nuclei are found on hematoxylin, or on hematoxylin + DAB for
    /// nuclear markers (a strongly stained nucleus is brown, not blue).
    public static func cellParameters(for marker: Marker, pixelSizeMicrons: Double) -> CellParameters {
        var p = CellParameters(pixelSizeMicrons: pixelSizeMicrons)
        p.channel = marker.nuclearStain ? .hematoxylinPlusDAB : .hematoxylin
        return p
    }
}
