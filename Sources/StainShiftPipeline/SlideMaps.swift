import Foundation
import StainShiftEvaluation
import StainShiftFoundation
import StainShiftImaging

/// A tiled slide's pictures for the run's report: its heat map (`Heatmap`, one pixel per bin) and a
/// thumbnail of the whole slide (the tissue overview's block colours, about 16 µm per pixel,
/// shrunk to at most `side` px) with the heat map laid over the tissue at half strength and the
/// scored regions' outlines drawn (chosen regions cyan, `Ignore*` regions red).
/// Written as `maps/<stem>.heatmap.png` and `maps/<stem>.thumbnail.png` in OUTDIR.
public enum SlideMaps {
    public static let folderName = "maps"
    public static let side = 512

    /// The file stem of a manifest row's maps: the slide id and the row's manifest line, with
    /// characters outside `[A-Za-z0-9._-]` replaced by `_`.
    public static func stem(slide: String, line: Int) -> String {
        let safe = String(slide.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) ? Character($0) : "_" })
        return "\(safe)-line\(line)"
    }

    /// Writes `heatmap` (the counted cells', or those inside the job's regions) to the job's
    /// `heatmap` file and, with a `mapPrefix`, `<prefix>.heatmap.png` and `<prefix>.thumbnail.png`
    /// (each atomically).
    public static func write(_ result: TiledScorer.Result, heatmap: Heatmap, job: ScoringEngine.FileJob) throws(FileError) {
        if let file = job.heatmap { try heatmap.write(to: file) }
        guard let prefix = job.mapPrefix else { return }
        try heatmap.write(to: prefix + ".heatmap.png")
        let picture = thumbnail(result.overview.colours, width: result.overview.width, height: result.overview.height,
                                blockPixels: Double(result.overview.factor), heatmap: heatmap, regions: job.regions)
        try ImageWriter.writePNG(picture, to: prefix + ".thumbnail.png")
    }

    /// The overview shrunk by the smallest integer factor that fits `side`, heat map blended over
    /// the pixels whose bin holds cells, region outlines drawn. `blockPixels`: level-0 pixels per
    /// overview pixel.
    static func thumbnail(_ colours: [UInt8], width W: Int, height H: Int, blockPixels: Double, heatmap: Heatmap,
                          regions: RegionScoring?) -> RGBImage {
        let k = max(1, (max(W, H) + side - 1) / side)
        let w = max(1, W / k), h = max(1, H / k)
        let scale = blockPixels * Double(k)   // level-0 pixels per thumbnail pixel
        var out = [UInt8](repeating: 255, count: 3 * w * h)
        let map = heatmap.image()
        guard case .uint8(let heat) = map.samples else { return RGBImage(width: w, height: h, samples: .uint8(out)) }
        for y in 0..<h {
            for x in 0..<w {
                var sum = (0, 0, 0)
                for dy in 0..<k { for dx in 0..<k {
                    let i = 3 * ((y * k + dy) * W + x * k + dx)
                    sum.0 += Int(colours[i]); sum.1 += Int(colours[i + 1]); sum.2 += Int(colours[i + 2])
                } }
                let n = k * k, o = 3 * (y * w + x)
                var c = [sum.0 / n, sum.1 / n, sum.2 / n]
                let bx = min(heatmap.columns - 1, Int((Double(x) + 0.5) * scale / heatmap.binPixels))
                let by = min(heatmap.rows - 1, Int((Double(y) + 0.5) * scale / heatmap.binPixels))
                let b = by * heatmap.columns + bx
                if heatmap.cells[b] > 0 {
                    for ch in 0..<3 { c[ch] = (c[ch] + Int(heat[3 * b + ch])) / 2 }
                }
                out[o] = UInt8(c[0]); out[o + 1] = UInt8(c[1]); out[o + 2] = UInt8(c[2])
            }
        }
        if let regions {
            for region in regions.regions {
                let colour: (UInt8, UInt8, UInt8) = region.isIgnored ? (230, 30, 30) : region.isChosen(byClass: regions.regionClass) ? (0, 220, 230) : (150, 150, 150)
                for polygon in region.shape.polygons {
                    for ring in polygon where ring.count > 1 {
                        for (a, b) in zip(ring, ring.dropFirst() + [ring[0]]) {
                            line(&out, width: w, height: h, from: (a.x / scale, a.y / scale), to: (b.x / scale, b.y / scale), colour: colour)
                        }
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, samples: .uint8(out))
    }

    /// A one-pixel line (thumbnail coordinates), clipped to the picture.
    static func line(_ out: inout [UInt8], width w: Int, height h: Int, from a: (Double, Double), to b: (Double, Double),
                     colour: (UInt8, UInt8, UInt8)) {
        let steps = max(1, Int(max(abs(b.0 - a.0), abs(b.1 - a.1)).rounded(.up)))
        guard steps < 1 << 20 else { return }
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            let x = Int((a.0 + (b.0 - a.0) * t).rounded(.down)), y = Int((a.1 + (b.1 - a.1) * t).rounded(.down))
            guard x >= 0, y >= 0, x < w, y < h else { continue }
            out[3 * (y * w + x)] = colour.0; out[3 * (y * w + x) + 1] = colour.1; out[3 * (y * w + x) + 2] = colour.2
        }
    }
}
