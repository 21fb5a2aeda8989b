import StainShiftImaging

/// A square tile cut from a real image, mirrored at its edges when the image is smaller: the
/// benchmarks' 2048 x 2048 tile from the OS-2 crop (`CellsBenchmark`, and
/// Benchmarks/cells/side-by-side.sh, which compiles this file into its harness).
public enum MirroredTile {
    public static func make(from image: RGBImage, size: Int = 2048) -> RGBImage {
        guard case .uint8(let s) = image.samples, image.width > 0, image.height > 0 else { return image }
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            let sy = min(y % (2 * image.height), 2 * image.height - 1 - y % (2 * image.height))
            for x in 0..<size {
                let sx = min(x % (2 * image.width), 2 * image.width - 1 - x % (2 * image.width))
                for c in 0..<3 { out[3 * (y * size + x) + c] = s[3 * (sy * image.width + sx) + c] }
            }
        }
        return RGBImage(width: size, height: size, samples: .uint8(out), pixelSizeMicrons: 0.5)
    }
}
