import StainShiftFoundation
import Foundation
import StainShiftStains
import StainShiftTissue

/// Pixel-level DAB scoring over tissue: counts of tissue pixels per DAB OD bin and their OD sum,
/// the additive totals of HistomicsTK's positive pixel count (`positive_pixel_count.py`), on OD.
public enum PixelScoring {
    /// Rows per work block. Blocks are summed in order, so results do not depend on the thread count.
    static let blockRows = 32

    /// `scale` multiplies every DAB value first: the cell stage's per-image OD normalisation
    /// (`CellSegmentation.odScale`), so pixel and cell scores share one OD scale.
    /// With a `core`, only its pixels are counted (an analysis tile's own pixels, not its overlap).
    public static func totals(_ planes: StainPlanes, tissue: TissueMask?, thresholds: IntensityThresholds,
                              scale: Float = 1, threads: Int? = nil, core: TileRect? = nil) -> (bins: BinCounts, dabSum: Double) {
        guard let offset = planes.planeOffset(.dab), planes.pixelCount > 0 else { return (BinCounts(), 0) }
        let w = planes.width, h = planes.height
        let area = core.flatMap { $0.intersection(TileRect(x: 0, y: 0, width: w, height: h)) }
        if core != nil, area == nil { return (BinCounts(), 0) }
        let rows = area.map { $0.y..<$0.maxY } ?? 0..<h, columns = area.map { $0.x..<$0.maxX } ?? 0..<w
        let blocks = (rows.count + blockRows - 1) / blockRows
        var partial = [(BinCounts, Double)](repeating: (BinCounts(), 0), count: blocks)
        let t1 = Float(thresholds.weak), t2 = Float(thresholds.moderate), t3 = Float(thresholds.strong)
        let mask = tissue.flatMap { $0.width == w && $0.height == h ? $0.mask : nil }
        planes.values.withUnsafeBufferPointer { values in
            partial.withUnsafeMutableBufferPointer { out in
                let dab = UnsafeBufferPointer(rebasing: values[offset..<(offset + w * h)])
                func run(_ b: Int) {
                    var n = 0, c1 = 0, c2 = 0, c3 = 0
                    var sum = 0.0
                    let y0 = rows.lowerBound + b * blockRows, y1 = min(rows.upperBound, y0 + blockRows)
                    for y in y0..<y1 {
                        var rowSum: Float = 0
                        let row = y * w
                        if let mask {
                            for x in columns where mask[row + x] != 0 {
                                let v = dab[row + x] * scale
                                n += 1; rowSum += v
                                c1 += v >= t1 ? 1 : 0; c2 += v >= t2 ? 1 : 0; c3 += v >= t3 ? 1 : 0
                            }
                        } else {
                            for x in columns {
                                let v = dab[row + x] * scale
                                rowSum += v
                                c1 += v >= t1 ? 1 : 0; c2 += v >= t2 ? 1 : 0; c3 += v >= t3 ? 1 : 0
                            }
                            n += columns.count
                        }
                        sum += Double(rowSum)
                    }
                    out[b] = (BinCounts(negative: n - c1, weak: c1 - c2, moderate: c2 - c3, strong: c3), sum)
                }
                Workers.forEach(blocks, threads: threads, run)
            }
        }
        var bins = BinCounts(), sum = 0.0
        for (b, s) in partial { bins = bins + b; sum += s }
        return (bins, sum)
    }
}

/// Splits `count` independent work items over `threads` workers (nil: all cores).
public enum Workers {
    public static func forEach(_ count: Int, threads: Int?, _ body: (Int) -> Void) {
        let workers = Parallel.isSerial ? 1 : max(1, min(count, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = Work(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count { work.body(i); i += workers }
            }
        }
    }

    /// The body writes only its own items' slots, so sharing it across workers is safe.
    private struct Work: @unchecked Sendable { let body: (Int) -> Void }
}
