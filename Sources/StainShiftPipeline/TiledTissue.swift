import Foundation
import StainShiftCohort
import StainShiftImaging
import StainShiftScoring
import StainShiftTissue
import StainShiftFoundation

/// The tissue-first pass of tiled scoring: the image read in chunks of whole overview blocks
/// (independent of `--tile-size`, so the map and the tiles it skips are the same whatever the
/// tile size), each chunk reduced to block colours, then tissue found on the small overview.
enum TiledTissue {
    /// Chunk edge in overview blocks: about 2048 px at 0.5 µm (2048 / 32 blocks of 16 µm).
    static func chunkEdge(factor: Int) -> Int { factor * max(1, 2048 / factor) }

    static func overview(_ path: String, info: ImageInfo, page: Int, pixelSizeMicrons px: Double,
                         settings: ScoringSettings, threads: Int) throws(PipelineError) -> TissueOverview {
        let f = TissueOverview.factor(pixelSizeMicrons: px)
        let W = (info.width + f - 1) / f, H = (info.height + f - 1) / f
        let edge = chunkEdge(factor: f)
        let chunks = TileGrid(width: info.width, height: info.height, tileSize: edge, margin: 0).tiles
        let slots = ResultSlots<Swift.Result<[UInt8], PipelineError>>(count: chunks.count)
        let next = TileCounter()
        let background = settings.background
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks.count))) { _ in
            while let i = next.take(below: chunks.count) {
                let c = chunks[i].core
                do throws(ImagingError) {
                    let region = try ImageReader.readRegion(path, x: c.x, y: c.y, width: c.width, height: c.height,
                                                            options: ReadOptions(page: page, threads: 1))
                    slots.set(i, .success(TissueOverview.blockColours(region, factor: f, background: background)))
                } catch {
                    slots.set(i, .failure(PipelineError(path: path, reason: "tissue map at (\(c.x), \(c.y)): \(error.reason)")))
                }
                MemoryTrim.release()
            }
        }
        var colours = [UInt8](repeating: 255, count: 3 * W * H)
        for (i, slot) in slots.all.enumerated() {
            guard let slot else { continue }
            let block = try slot.get()
            let c = chunks[i].core
            let bx = c.x / f, by = c.y / f, bw = (c.width + f - 1) / f, bh = (c.height + f - 1) / f
            for y in 0..<bh {
                let dst = 3 * ((by + y) * W + bx), src = 3 * y * bw
                colours.replaceSubrange(dst..<(dst + 3 * bw), with: block[src..<(src + 3 * bw)])
            }
        }
        return TissueOverview(colours: colours, width: W, height: H, factor: f, pixelSizeMicrons: px, stains: settings.stains)
    }
}
