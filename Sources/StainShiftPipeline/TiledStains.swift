import StainShiftImaging
import StainShiftScoring
import StainShiftStains

/// `--stains auto` for an image scored tile by tile: one Macenko estimate for the whole image, from
/// evenly strided pixels of up to `maxTiles` of its tissue tiles spread over the grid (as `run`
/// pools a slide's tiles), so every tile is unmixed alike and no tile's answer depends on which of
/// its neighbours happened to be stained.
enum TiledStains {
    /// Tissue tiles read for the estimate (each one region read).
    static let maxTiles = 16
    /// Pixels pooled from each of them (Macenko subsamples to 250,000 in all).
    static let pixelsPerTile = 250_000 / maxTiles

    /// The stains for every tile: `settings.stains` unless `settings.estimatesStains`, else the
    /// estimate from the tissue tiles among `tiles` (flagged by `analysed`).
    static func choose(_ path: String, page: Int, tiles: [TileGrid.Tile], analysed: [Bool],
                       settings: ScoringSettings) throws(PipelineError) -> StainMatrix {
        guard settings.estimatesStains else { return settings.stains }
        let tissue = tiles.indices.filter { analysed[$0] }
        guard !tissue.isEmpty else { return settings.stains }
        let step = max(1, tissue.count / maxTiles)
        var pooled: [UInt8] = []
        for k in stride(from: 0, to: tissue.count, by: step).prefix(maxTiles) {
            let core = tiles[tissue[k]].core
            let region: RGBImage
            do {
                region = try ImageReader.readRegion(path, x: core.x, y: core.y, width: core.width, height: core.height,
                                                    options: ReadOptions(page: page))
            } catch { throw PipelineError(path: path, reason: "stain estimate: \(error.reason)") }
            pooled += BatchRunner.subsample(region, count: pixelsPerTile)
        }
        let image = RGBImage(width: pooled.count / 3, height: 1, samples: .uint8(pooled))
        return StainResolver(reference: settings.stains).estimate(image).matrix
    }
}
