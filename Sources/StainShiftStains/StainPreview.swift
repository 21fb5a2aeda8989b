import Foundation
import StainShiftImaging

/// One RGB preview per stain, each stain re-coloured with its own vector as ImageJ's Colour
/// Deconvolution shows it: `RGB = 255 * 10^(-c * vector)`, negative amounts shown as white.
///
/// Built band by band so large images get a preview without holding all planes: output pixel
/// `(x, y)` shows source pixel `(x * step, y * step)` (nearest neighbour).
public struct StainPreview: Sendable {
    public let matrix: StainMatrix
    public let width: Int, height: Int, step: Int
    /// Interleaved 8-bit RGB per stain, in `matrix.stains` order.
    var pixels: [[UInt8]]
    /// Per stain, RGB of amounts 0, 1/1024, 2/1024 ... 4 OD (4 OD is already black).
    let colours: [[UInt8]]
    static let levelsPerOD = 1024.0, maxOD = 4.0

    /// A preview of a `sourceWidth x sourceHeight` image shrunk by `step` (1 = full size).
    public init(matrix: StainMatrix, sourceWidth: Int, sourceHeight: Int, step: Int = 1) {
        self.matrix = matrix
        self.step = max(1, step)
        width = (sourceWidth + self.step - 1) / self.step
        height = (sourceHeight + self.step - 1) / self.step
        pixels = Array(repeating: [UInt8](repeating: 255, count: 3 * width * height), count: 3)
        let levels = Int(StainPreview.maxOD * StainPreview.levelsPerOD)
        colours = matrix.stains.map { v in
            var table = [UInt8](repeating: 0, count: 3 * (levels + 1))
            for k in 0...levels {
                let (r, g, b) = v.colour(amount: Double(k) / StainPreview.levelsPerOD)
                table[3 * k] = r; table[3 * k + 1] = g; table[3 * k + 2] = b
            }
            return table
        }
    }

    /// The smallest step that keeps the preview within `maxPixels`.
    public static func step(sourceWidth: Int, sourceHeight: Int, maxPixels: Int) -> Int {
        var step = 1
        while ((sourceWidth + step - 1) / step) * ((sourceHeight + step - 1) / step) > max(1, maxPixels) { step += 1 }
        return step
    }

    /// Paints the preview rows covered by `planes`, whose first row is source row `originY`.
    public mutating func add(_ planes: StainPlanes, originY: Int) {
        let n = planes.pixelCount
        let top = Int(StainPreview.maxOD * StainPreview.levelsPerOD)
        var y = (originY + step - 1) / step
        while y < height, y * step < originY + planes.height {
            let sourceRow = (y * step - originY) * planes.width
            for k in 0..<3 {
                let table = colours[k]
                for x in 0..<width where x * step < planes.width {
                    let c = Double(planes.values[k * n + sourceRow + x * step])
                    let level = c > 0 ? min(top, Int((c * StainPreview.levelsPerOD).rounded())) : 0
                    let o = 3 * (y * width + x)
                    pixels[k][o] = table[3 * level]; pixels[k][o + 1] = table[3 * level + 1]; pixels[k][o + 2] = table[3 * level + 2]
                }
            }
            y += 1
        }
    }

    /// The preview of one stain, or nil when the matrix has no such role.
    public func image(_ role: StainRole) -> RGBImage? {
        guard let k = matrix.index(of: role) else { return nil }
        return RGBImage(width: width, height: height, samples: .uint8(pixels[k]))
    }
}
