import Foundation
import Testing
import StainShiftImaging
import StainShiftStains
import StainShiftTissue
@testable import StainShiftCells

/// Development probe, run only with STAINSHIFT_CELLS_PROBE=1: prints QuPath comparisons for PNG
/// conversions of the OS-2 scans in /tmp and writes outline overlays there.
@Suite struct DevProbe {
    static let enabled = ProcessInfo.processInfo.environment["STAINSHIFT_CELLS_PROBE"] == "1"

    @Test(.enabled(if: enabled)) func probe() throws {
        for (name, px) in [("OS-2-ndpi", 0.227), ("OS-2-vsi", 0.346)] {
            var image = try ImageReader.read("/tmp/\(name).png")
            image.pixelSizeMicrons = px
            let matrix = try #require(Validation.qupathHDAB)
            let planes = Deconvolution.deconvolve(image, matrix: matrix, background: 255)
            for det in [0.2, 0.4] {
                let t0 = Date()
                let seg = CellDetector.detect(planes, tissue: nil, parameters: .qupath03(pixelSizeMicrons: px, detectionThreshold: det))
                let dt = Date().timeIntervalSince(t0)
                let n = seg.cells.count
                let p2 = Double(seg.cells.filter { $0.nucleus.dabMean >= 0.2 }.count) * 100 / Double(max(n, 1))
                let p5 = Double(seg.cells.filter { $0.nucleus.dabMean >= 0.5 }.count) * 100 / Double(max(n, 1))
                let q = Validation.qupathResults(name).filter { $0.detection == det }
                print("PROBE \(name) det=\(det) cells=\(n) (qp \(q.first?.cells ?? -1)) pos0.2=\(String(format: "%.1f", p2)) pos0.5=\(String(format: "%.1f", p5)) qp=\(q.map { String(format: "%.1f", $0.positive) }) time=\(String(format: "%.3f", dt))")
                if det == 0.2 { try Overlay.write(image, seg, to: "/tmp/overlay-\(name).png") }
            }
        }
    }
}

/// Outline overlays for looking at detections: nucleus edges green (blue-ish when DAB mean >= 0.2
/// red), membrane ring yellow, lymphocytes cyan.
enum Overlay {
    static func write(_ image: RGBImage, _ seg: CellSegmentation, to path: String) throws {
        guard case .uint8(var s) = image.samples else { return }
        let w = seg.width, h = seg.height
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let k = seg.nucleusLabels[i]
                if seg.membraneMask[i] != 0 && k == 0 { s[3 * i] = 255; s[3 * i + 1] = 220; s[3 * i + 2] = 0 }
                guard k != 0 else { continue }
                let edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || seg.nucleusLabels[i - 1] != k
                    || seg.nucleusLabels[i + 1] != k || seg.nucleusLabels[i - w] != k || seg.nucleusLabels[i + w] != k
                guard edge else { continue }
                let c = seg.cells[Int(k) - 1]
                let rgb: (UInt8, UInt8, UInt8) = c.cellClass == .lymphocyte ? (0, 255, 255)
                    : c.nucleus.dabMean >= 0.2 ? (255, 0, 0) : (0, 200, 0)
                s[3 * i] = rgb.0; s[3 * i + 1] = rgb.1; s[3 * i + 2] = rgb.2
            }
        }
        try ImageWriter.writePNG(RGBImage(width: w, height: h, samples: .uint8(s)), to: path)
    }
}

extension DevProbe {
    @Test(.enabled(if: enabled)) func synthOverlay() throws {
        let (tile, seg, o) = CellDetectionTests.run(seed: 1)
        print("PROBE synth \(o)")
        try Overlay.write(tile.image, seg, to: "/tmp/overlay-synth.png")
    }
}

extension DevProbe {
    @Test(.enabled(if: enabled)) func sensitivity() throws {
        let name = ProcessInfo.processInfo.environment["PROBE_NAME"] ?? "OS-2-vsi"
        let px = name.hasSuffix("vsi") ? 0.346 : 0.227
        let image = try ImageReader.read("/tmp/\(name).png")
        let planes = Deconvolution.deconvolve(image, matrix: try #require(Validation.qupathHDAB), background: 255)
        for det in [0.18, 0.2, 0.22, 0.24] {
            var p = CellParameters.qupath03(pixelSizeMicrons: px, detectionThreshold: det)
            if let t = ProcessInfo.processInfo.environment["PROBE_TOL"].flatMap(Double.init) { p.splitToleranceMicrons = t }
            if let s = ProcessInfo.processInfo.environment["PROBE_SIGMA"].flatMap(Double.init) { p.sigmaMicrons = s }
            let seg = CellDetector.detect(planes, tissue: nil, parameters: p)
            let n = seg.cells.count
            let p2 = Double(seg.cells.filter { $0.nucleus.dabMean >= 0.2 }.count) * 100 / Double(max(n, 1))
            let p5 = Double(seg.cells.filter { $0.nucleus.dabMean >= 0.5 }.count) * 100 / Double(max(n, 1))
            print("PROBE \(name) det=\(det) cells=\(n) pos0.2=\(String(format: "%.1f", p2)) pos0.5=\(String(format: "%.1f", p5))")
        }
    }
}
