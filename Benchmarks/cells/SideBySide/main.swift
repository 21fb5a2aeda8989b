// Benchmarks/cells/side-by-side.sh builds this against two trees' Foundation...Scoring sources
// (not a target of the package; with Tests/StainShiftTestSupport/MirroredTile.swift): one image,
// mirrored to a 2048 x 2048 tile (`MirroredTile`), and one stage run
// RUNS times; prints the median wall and CPU times and a digest of the outputs (label maps,
// membrane mask and cells; tissue mask; the tile score's JSON), equal when the outputs are.
// Usage: SideBySide IMAGE default|qupath03|score|tissue RUNS THREADS (0: all cores)
import Foundation
import StainShiftFoundation
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
import StainShiftCells
import StainShiftScoring

func cpuSeconds() -> Double {
    var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}
let a = CommandLine.arguments
let img = MirroredTile.make(from: try ImageReader.read(a[1]))
let mode = a[2], runs = Int(a[3])!, threads = Int(a[4])!
if threads > 0 { Parallel.setThreadLimit(threads) }
let planes = Deconvolution.deconvolve(img, matrix: StainPresets.hDAB, background: nil)
let params = mode == "qupath03" ? CellParameters.qupath03(pixelSizeMicrons: 0.5) : CellParameters(pixelSizeMicrons: 0.5)
var walls: [Double] = [], cpus: [Double] = []
var digest: UInt64 = 0xcbf29ce484222325
for r in 0..<runs {
    let t0 = Date(), c0 = cpuSeconds()
    if mode == "score" {
        var settings = ScoringSettings(); settings.pixelSizeMicrons = 0.5
        if threads > 0 { settings.threads = threads }
        let marker = Marker.builtin(named: "pdl1")!
        let score = TileScorer.score(img, name: "t", marker: marker, settings: settings)
        walls.append(Date().timeIntervalSince(t0)); cpus.append(cpuSeconds() - c0)
        if r == 0 {
            let e = JSONEncoder(); e.outputFormatting = .sortedKeys
            for b in try e.encode(score) { digest = (digest ^ UInt64(b)) &* 0x100000001b3 }
            print("cells \(score.totals.cellsTotal)")
        }
    } else if mode == "tissue" {
        let t = TissueDetector.detect(img, planes: planes, pixelSizeMicrons: 0.5)
        let q = TileQC.assess(img, planes: planes, tissue: t)
        walls.append(Date().timeIntervalSince(t0)); cpus.append(cpuSeconds() - c0)
        if r == 0 { for v in t.mask { digest = (digest ^ UInt64(v)) &* 0x100000001b3 }; _ = q }
    } else {
        let seg = CellDetector.detect(planes, tissue: nil, parameters: params)
        walls.append(Date().timeIntervalSince(t0)); cpus.append(cpuSeconds() - c0)
        if r == 0 {
            for v in seg.nucleusLabels { digest = (digest ^ UInt64(UInt32(bitPattern: v))) &* 0x100000001b3 }
            for v in seg.cellLabels { digest = (digest ^ UInt64(UInt32(bitPattern: v))) &* 0x100000001b3 }
            for v in seg.membraneMask { digest = (digest ^ UInt64(v)) &* 0x100000001b3 }
            for b in seg.cells.map({ "\($0)" }).joined(separator: "\n").utf8 { digest = (digest ^ UInt64(b)) &* 0x100000001b3 }
            print("cells \(seg.cells.count)")
        }
    }
}
let ws = walls.sorted(), cs = cpus.sorted()
print(String(format: "RESULT %@ wall_med %.1f ms cpu_med %.1f ms digest %016llx", mode, ws[ws.count/2]*1000, cs[cs.count/2]*1000, digest))
print("walls", walls.map { String(format: "%.0f", $0*1000) }.joined(separator: " "), "cpus", cpus.map { String(format: "%.0f", $0*1000) }.joined(separator: " "))
