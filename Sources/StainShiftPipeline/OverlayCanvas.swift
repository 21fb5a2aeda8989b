import StainShiftImaging
import StainShiftScoring

/// The image-sized overlay picture that tiled scoring paints tile by tile: each tile's overlay is
/// drawn on its read region and only its core is pasted, so cores, which do not overlap, can be
/// pasted from any worker in any order and the picture is the same.
final class OverlayCanvas: @unchecked Sendable {
    let width: Int, height: Int
    private var pixels: UnsafeMutablePointer<UInt8>

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        pixels = .allocate(capacity: 3 * width * height)
        pixels.initialize(repeating: 255, count: 3 * width * height)
    }

    deinit { pixels.deallocate() }

    /// Copies the `core` (in `tile`'s coordinates) of an 8-bit `tile` overlay to `at` (image coordinates).
    func paste(_ tile: RGBImage, core: TileRect, at target: TileRect) {
        guard case .uint8(let s) = tile.samples, core.width == target.width, core.height == target.height,
              core.x >= 0, core.y >= 0, core.x + core.width <= tile.width, core.y + core.height <= tile.height,
              target.x >= 0, target.y >= 0, target.x + target.width <= width, target.y + target.height <= height else { return }
        s.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for row in 0..<core.height {
                let from = 3 * ((core.y + row) * tile.width + core.x), to = 3 * ((target.y + row) * width + target.x)
                (pixels + to).update(from: base + from, count: 3 * core.width)
            }
        }
    }

    /// The finished picture.
    func image(pixelSizeMicrons: Double?) -> RGBImage {
        RGBImage(width: width, height: height,
                 samples: .uint8(Array(UnsafeBufferPointer(start: pixels, count: 3 * width * height))),
                 pixelSizeMicrons: pixelSizeMicrons)
    }
}
