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
        if page == 0, let level = pyramidLevel(info, factor: f) {
            let colours = try levelColours(path, level: level, width: W, height: H, factor: f,
                                           background: settings.background, threads: threads)
            return TissueOverview(colours: colours, width: W, height: H, factor: f, pixelSizeMicrons: px, stains: settings.stains)
        }
        let edge = chunkEdge(factor: f)
        let chunks = TileGrid(width: info.width, height: info.height, tileSize: edge, margin: 0).tiles
        let slots = ResultSlots<Swift.Result<[UInt8], PipelineError>>(count: chunks.count)
        let next = TileCounter()
        let background = settings.background
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks.count))) { _ in
            while let i = next.take(below: chunks.count) {
                let c = chunks[i].core
                do throws(FileError) {
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

    /// A pyramid level to find tissue on instead of level 0: the coarsest one no coarser than an
    /// overview block (downsample at most `factor`, and above 1), so averaging down from it loses
    /// nothing; nil for an image without such a level (the blocks are then read from level 0).
    static func pyramidLevel(_ info: ImageInfo, factor f: Int) -> (page: Int, level: SlideLevel)? {
        guard info.levelPages.count == info.levels.count else { return nil }
        let candidates = info.levels.indices.filter { info.levels[$0].downsample > 1.5 && info.levels[$0].downsample <= Double(f) * 1.001 }
        guard let k = candidates.max(by: { info.levels[$0].downsample < info.levels[$1].downsample }) else { return nil }
        return (info.levelPages[k], info.levels[k])
    }

    /// Overview block colours from a pyramid level: each level pixel (which spans `downsample`
    /// level-0 pixels) goes to the block holding its centre, and a block's colour is the mean OD
    /// of its level pixels, as `TissueOverview.blockColours` takes it from level 0. Read in bands
    /// of whole block rows, in parallel; each band fills its own rows, so the colours do not depend
    /// on the thread count.
    static func levelColours(_ path: String, level chosen: (page: Int, level: SlideLevel), width W: Int, height H: Int,
                             factor f: Int, background: Double?, threads: Int) throws(PipelineError) -> [UInt8] {
        let level = chosen.level, d = level.downsample
        // Level pixel i -> block floor((i + 0.5) d / f); block rows Y0..<Y1 hold level rows first(Y0)..<first(Y1).
        let first: @Sendable (Int) -> Int = { block in min(level.height, max(0, Int((Double(block * f) / d - 0.5).rounded(.up)))) }
        let bandBlocks = max(1, 1024 * Int(d) / max(f, 1))
        let bands = stride(from: 0, to: H, by: bandBlocks).map { ($0, min(H, $0 + bandBlocks)) }
        let slots = ResultSlots<Swift.Result<[UInt8], PipelineError>>(count: bands.count)
        let next = TileCounter()
        let columnBlock = (0..<level.width).map { min(W - 1, Int((Double($0) + 0.5) * d / Double(f))) }
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, bands.count))) { _ in
            while let b = next.take(below: bands.count) {
                let (Y0, Y1) = bands[b]
                let y0 = first(Y0), y1 = Y1 == H ? level.height : first(Y1)
                var out = [UInt8](repeating: 255, count: 3 * W * (Y1 - Y0))
                guard y1 > y0 else { slots.set(b, .success(out)); continue }
                do throws(FileError) {
                    let region = try ImageReader.readRegion(path, x: 0, y: y0, width: level.width, height: y1 - y0,
                                                            options: ReadOptions(page: chosen.page, threads: 1))
                    let rowBlock = (y0..<y1).map { min(H - 1, Int((Double($0) + 0.5) * d / Double(f))) - Y0 }
                    out = blockMeans(region, columnBlock: columnBlock, rowBlock: rowBlock, width: W, height: Y1 - Y0, background: background)
                    slots.set(b, .success(out))
                } catch {
                    slots.set(b, .failure(PipelineError(path: path, reason: "tissue map from pyramid level page \(chosen.page) rows \(y0)-\(y1): \(error.reason)")))
                }
            }
        }
        var colours: [UInt8] = []
        colours.reserveCapacity(3 * W * H)
        for slot in slots.all {
            guard let slot else { continue }
            colours += try slot.get()
        }
        return colours
    }

    /// Mean-OD colours of `width` x `height` blocks from `region`, pixel (x, y) going to block
    /// (`columnBlock[x]`, `rowBlock[y]`); blocks without a pixel stay white.
    static func blockMeans(_ region: RGBImage, columnBlock: [Int], rowBlock: [Int], width W: Int, height H: Int,
                           background: Double?) -> [UInt8] {
        let white = background.flatMap { $0.isFinite && $0 >= 1 ? $0 : nil } ?? Double(region.maxValue)
        var sums = [Double](repeating: 0, count: 3 * W * H), counts = [Int](repeating: 0, count: W * H)
        func accumulate<T: BinaryInteger>(_ s: [T], count: Int) {
            let table = (0..<count).map { -log10(max(Double($0), 1) / white) }
            for y in 0..<region.height {
                let base = rowBlock[y] * W
                for x in 0..<region.width {
                    let i = 3 * (y * region.width + x), o = base + columnBlock[x]
                    sums[3 * o] += table[Int(s[i])]; sums[3 * o + 1] += table[Int(s[i + 1])]; sums[3 * o + 2] += table[Int(s[i + 2])]
                    counts[o] += 1
                }
            }
        }
        switch region.samples {
        case .uint8(let s): accumulate(s, count: 256)
        case .uint16(let s): accumulate(s, count: 65536)
        }
        var out = [UInt8](repeating: 255, count: 3 * W * H)
        for o in 0..<(W * H) where counts[o] > 0 {
            for c in 0..<3 { out[3 * o + c] = UInt8(max(0, min(255, (255 * pow(10, -sums[3 * o + c] / Double(counts[o]))).rounded()))) }
        }
        return out
    }
}
