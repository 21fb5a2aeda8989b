import CPNG
import Foundation

/// PNG through libpng's simplified API, which reports errors in `png_image.message` instead of
/// longjmp-ing across Swift frames.
enum PNGReader {
    static func read(_ path: String, options: ReadOptions) throws(ImagingError) -> RGBImage {
        var image = png_image()
        image.version = SSPNG_IMAGE_VERSION
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw ImagingError(path: path, reason: "invalid PNG: \(message(of: image))")
        }
        defer { png_image_free(&image) }
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0 else { throw ImagingError(path: path, reason: "image has zero size") }
        guard width * height <= options.maxPixels else {
            throw ImagingError(path: path, reason: "\(width) x \(height) pixels exceeds the limit of \(options.maxPixels)")
        }
        let sixteen = (image.format & SSPNG_FORMAT_FLAG_LINEAR) != 0
        // Composite alpha over white: ask for RGB and give libpng a white background.
        var white = png_color(red: 255, green: 255, blue: 255)
        if sixteen {
            image.format = SSPNG_FORMAT_LINEAR_RGB
            var buffer = [UInt16](repeating: 0, count: width * height * 3)
            let ok = buffer.withUnsafeMutableBytes {
                png_image_finish_read(&image, &white, $0.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw ImagingError(path: path, reason: "invalid PNG: \(message(of: image))") }
            return RGBImage(width: width, height: height, samples: .uint16(buffer))
        } else {
            image.format = SSPNG_FORMAT_RGB
            var buffer = [UInt8](repeating: 0, count: width * height * 3)
            let ok = buffer.withUnsafeMutableBytes {
                png_image_finish_read(&image, &white, $0.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw ImagingError(path: path, reason: "invalid PNG: \(message(of: image))") }
            return RGBImage(width: width, height: height, samples: .uint8(buffer))
        }
    }

    static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
