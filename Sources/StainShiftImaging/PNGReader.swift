import CPNG
import Foundation
import StainShiftFoundation

/// PNG through libpng's full API, driven from C shims that own the setjmp (no longjmp crosses
/// Swift frames). Samples are kept as stored: no gamma or colour-space conversion, as
/// scikit-image and QuPath read them. Palette and grey are expanded to RGB, 16-bit kept, alpha
/// composited over white.
enum PNGReader {
    /// The reader state lives on the heap: libpng keeps a pointer to it (its error pointer)
    /// between calls, which a Swift `inout` argument does not guarantee to stay valid.
    static func open(_ path: String) throws(FileError) -> UnsafeMutablePointer<sspng_reader> {
        let reader = UnsafeMutablePointer<sspng_reader>.allocate(capacity: 1)
        reader.initialize(to: sspng_reader())
        guard sspng_open(reader, path) != 0 else {
            let error = failure(path, reader.pointee)
            reader.deallocate()
            throw error
        }
        return reader
    }

    static func close(_ reader: UnsafeMutablePointer<sspng_reader>) {
        sspng_close(reader)
        reader.deallocate()
    }

    static func read(_ path: String, options: ReadOptions) throws(FileError) -> RGBImage {
        let handle = try open(path)
        defer { close(handle) }
        let reader = handle.pointee
        let width = Int(reader.width), height = Int(reader.height)
        guard width > 0, height > 0 else { throw FileError(path: path, reason: "image has zero size") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= options.maxPixels else {
            throw FileError(path: path, reason: "\(width) x \(height) pixels exceeds the limit of \(options.maxPixels) pixels")
        }
        let channels = Int(reader.out_channels)
        let sixteen = reader.out_bit_depth == 16
        let rowBytes = reader.row_bytes
        guard rowBytes == width * channels * (sixteen ? 2 : 1) else {
            throw FileError(path: path, reason: "invalid PNG: unexpected row size")
        }
        let pixelSize = pixelSizeMicrons(reader)
        if sixteen {
            var buffer = [UInt16](repeating: 0, count: pixels * channels)
            let ok = buffer.withUnsafeMutableBytes { sspng_read(handle, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
            guard ok != 0 else { throw failure(path, handle.pointee) }
            let rgb = channels == 4 ? compositeOverWhite(buffer, pixels: pixels) : buffer
            return RGBImage(width: width, height: height, samples: .uint16(rgb), pixelSizeMicrons: pixelSize)
        } else {
            var buffer = [UInt8](repeating: 0, count: pixels * channels)
            let ok = buffer.withUnsafeMutableBytes { sspng_read(handle, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
            guard ok != 0 else { throw failure(path, handle.pointee) }
            let rgb = channels == 4 ? compositeOverWhite(buffer, pixels: pixels) : buffer
            return RGBImage(width: width, height: height, samples: .uint8(rgb), pixelSizeMicrons: pixelSize)
        }
    }

    static func info(_ path: String) throws(FileError) -> ImageInfo {
        let handle = try open(path)
        defer { close(handle) }
        let reader = handle.pointee
        let samples: Int, photometric: String
        switch reader.color_type {
        case 0: (samples, photometric) = (1, "grey")
        case 2: (samples, photometric) = (3, "rgb")
        case 3: (samples, photometric) = (1, "palette")
        case 4: (samples, photometric) = (2, "grey-alpha")
        default: (samples, photometric) = (4, "rgba")
        }
        return ImageInfo(format: .png, width: Int(reader.width), height: Int(reader.height),
                         bitsPerSample: Int(reader.bit_depth), samplesPerPixel: samples, photometric: photometric,
                         compression: "deflate", tiled: false, tileWidth: nil, tileHeight: nil, pages: 1,
                         pixelSizeMicrons: pixelSizeMicrons(reader))
    }

    /// Unassociated (PNG) alpha over white: `(c·a + max·(max − a)) / max`, rounded.
    static func compositeOverWhite<T: FixedWidthInteger & UnsignedInteger>(_ rgba: [T], pixels: Int) -> [T] {
        let top = UInt64(T.max), half = top / 2
        var out = [T](repeating: 0, count: pixels * 3)
        rgba.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<pixels {
                    let a = UInt64(s[4 * i + 3]), w = top * (top - a)
                    o[3 * i] = T((UInt64(s[4 * i]) * a + w + half) / top)
                    o[3 * i + 1] = T((UInt64(s[4 * i + 1]) * a + w + half) / top)
                    o[3 * i + 2] = T((UInt64(s[4 * i + 2]) * a + w + half) / top)
                }
            }
        }
        return out
    }

    /// pHYs in pixels per metre gives µm per pixel; pHYs with unit 0 is only an aspect ratio.
    static func pixelSizeMicrons(_ reader: sspng_reader) -> Double? {
        guard reader.has_phys != 0, reader.phys_unit == 1, reader.phys_x > 0 else { return nil }
        return PixelSize.plausible(1_000_000 / Double(reader.phys_x))
    }

    static func failure(_ path: String, _ reader: sspng_reader) -> FileError {
        var copy = reader.message
        let text = withUnsafeBytes(of: &copy) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        if text == "cannot be opened for reading" { return FileError(path: path, reason: text) }
        if text == "Read Error" { return FileError(path: path, reason: "invalid PNG: file ends early (truncated)") }
        return FileError(path: path, reason: "invalid PNG: \(text.isEmpty ? "unreadable" : text)")
    }

    static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
