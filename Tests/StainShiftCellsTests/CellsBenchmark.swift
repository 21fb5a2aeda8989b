import Foundation
import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftCells
import StainShiftTestSupport

/// Throughput of `CellDetector.detect` on a 2048 x 2048 tile; run by `Benchmarks/cells/bench.sh`
/// (STAINSHIFT_CELLS_BENCH=1), never part of the normal test run. Prints MPix/s, asserts nothing about speed.
@Suite struct CellsBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["STAINSHIFT_CELLS_BENCH"] == "1"

    @Test(.enabled(if: enabled)) func detectThroughput() throws {
        let source = ProcessInfo.processInfo.environment["STAINSHIFT_BENCH_IMAGE"]
        let tile = try source.map { try MirroredTile.make(from: ImageReader.read($0)) } ?? SynthTile.make(width: 2048, height: 2048, seed: 1).image
        let planes = Deconvolution.deconvolve(tile, matrix: StainPresets.hDAB, background: nil)
        for (name, params) in [("default", CellParameters(pixelSizeMicrons: 0.5)),
                               ("qupath03", CellParameters.qupath03(pixelSizeMicrons: 0.5))] {
            var best = Double.infinity, bestCPU = Double.infinity, cells = 0
            for _ in 0..<5 {
                let t0 = Date(), c0 = Self.cpuSeconds()
                let seg = CellDetector.detect(planes, tissue: nil, parameters: params)
                best = min(best, Date().timeIntervalSince(t0)); bestCPU = min(bestCPU, Self.cpuSeconds() - c0)
                cells = seg.cells.count
            }
            let mpix = Double(tile.pixelCount) / 1e6
            print("BENCH cells.detect \(name) \(tile.width)x\(tile.height): best wall \(String(format: "%.1f", best * 1000)) ms = \(String(format: "%.1f", mpix / best)) MPix/s; CPU \(String(format: "%.1f", bestCPU * 1000)) ms = \(String(format: "%.1f", mpix / bestCPU)) MPix per CPU-second; \(cells) cells")
        }
        let t0 = Date()
        let tissue = TissueDetector.detect(tile, planes: planes, pixelSizeMicrons: 0.5)
        let t1 = Date()
        _ = TileQC.assess(tile, planes: planes, tissue: tissue)
        let t2 = Date()
        print("BENCH tissue.detect \(String(format: "%.1f", t1.timeIntervalSince(t0) * 1000)) ms, tileQC \(String(format: "%.1f", t2.timeIntervalSince(t1) * 1000)) ms")
    }

    /// User + system CPU time of this process, to read throughput on a machine shared with other jobs.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}
