import CJPEGCodec
import Foundation
import StainShiftFoundation

/// JPEG files (JFIF, EXIF, Adobe; baseline, progressive or arithmetic-coded, 8-bit grey or
/// colour) through libjpeg-turbo, driven by the C target CJPEGCodec, which owns the setjmp that
/// catches libjpeg's errors. Greyscale is expanded to RGB and YCbCr converted by libjpeg; the
/// EXIF Orientation is applied, so pixels come out as displayed. A truncated or corrupt file is
/// an error, never rows of grey filler.
///
/// Pixel size is left unknown (nil): JFIF and EXIF densities (72, 96, 300 dpi) describe the
/// print size chosen by the camera or editor, not the microscope's sampling, and would put a
/// nucleus at hundreds of µm. The caller takes `--pixel-size`, the manifest, or its estimate.
enum JPEGReader {
    /// The whole image, decoded within `options.maxPixels` (checked from the header first).
    static func read(_ path: String, options: ReadOptions) throws(FileError) -> RGBImage {
        let data = try load(path)
        return try withBytes(of: data) { (bytes: UnsafeRawBufferPointer) throws(FileError) -> RGBImage in
            let header = try decode(path, bytes, into: nil)
            let width = Int(header.width), height = Int(header.height)
            guard width > 0, height > 0 else { throw FileError(path: path, reason: "image has zero size") }
            let orientation = Orientation(value: EXIFOrientation.inJPEG(bytes), storedWidth: width, storedHeight: height)
            let shown = orientation.transposes ? (height, width) : (width, height)
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= options.maxPixels else {
                throw FileError(path: path, reason: "\(shown.0) x \(shown.1) pixels exceeds the limit of \(options.maxPixels) pixels")
            }
            let count = pixels * 3
            let samples = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised throws(FileError) in
                _ = try decode(path, bytes, into: UnsafeMutableRawBufferPointer(buffer))
                initialised = count
            }
            guard !orientation.isIdentity else { return RGBImage(width: width, height: height, samples: .uint8(samples)) }
            let stored = PixelRect(x: 0, y: 0, width: width, height: height)
            let display = PixelRect(x: 0, y: 0, width: shown.0, height: shown.1)
            return RGBImage(width: shown.0, height: shown.1,
                            samples: .uint8(orientation.remap(samples, source: stored, to: display)))
        }
    }

    /// Size (as displayed), components and colour space from the header, without decoding.
    static func info(_ path: String) throws(FileError) -> ImageInfo {
        let data = try load(path)
        return try withBytes(of: data) { (bytes: UnsafeRawBufferPointer) throws(FileError) -> ImageInfo in
            var header = ssjpg_result()
            let code = ssjpg_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, nil, 0, &header)
            // Colour layouts that `read` refuses are still described; broken headers are not.
            if ![SSJPG_OK, SSJPG_CMYK, SSJPG_COMPONENTS].contains(Self.status(code)) {
                throw failure(path, code, header)
            }
            let orientation = EXIFOrientation.inJPEG(bytes)
            let width = Int(header.width), height = Int(header.height)
            let transposed = orientation >= 5
            return ImageInfo(format: .jpeg, width: transposed ? height : width, height: transposed ? width : height,
                             bitsPerSample: Int(header.precision), samplesPerPixel: Int(header.components),
                             photometric: colourName(header.colour_space), compression: "jpeg", tiled: false,
                             tileWidth: nil, tileHeight: nil, pages: 1, pixelSizeMicrons: nil, orientation: orientation)
        }
    }

    /// The file's bytes, mapped rather than copied when the system allows.
    static func load(_ path: String) throws(FileError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw FileError(path: path, reason: "cannot be opened for reading")
        }
    }

    /// `Data.withUnsafeBytes` with a typed error (Foundation's is untyped `rethrows`).
    static func withBytes<R>(of data: Data, _ body: (UnsafeRawBufferPointer) throws(FileError) -> R) throws(FileError) -> R {
        let outcome = data.withUnsafeBytes { bytes in Result { () throws(FileError) -> R in try body(bytes) } }
        return try outcome.get()
    }

    /// Runs the C decoder over `bytes`: the header alone when `out` is nil, else the pixels too.
    static func decode(_ path: String, _ bytes: UnsafeRawBufferPointer,
                       into out: UnsafeMutableRawBufferPointer?) throws(FileError) -> ssjpg_result {
        var result = ssjpg_result()
        let code = ssjpg_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                                  out?.baseAddress?.assumingMemoryBound(to: UInt8.self), out?.count ?? 0, &result)
        guard Self.status(code) == SSJPG_OK else { throw failure(path, code, result) }
        return result
    }

    /// One line naming the problem: CMYK, precision and truncation in plain words, otherwise
    /// libjpeg's own message (first letter lower-cased unless it starts an acronym, as the other
    /// readers' reasons).
    static func failure(_ path: String, _ code: Int32, _ result: ssjpg_result) -> FileError {
        switch status(code) {
        case SSJPG_TRUNCATED:
            return FileError(path: path, reason: "invalid JPEG: file ends early (truncated)")
        case SSJPG_PRECISION:
            return FileError(path: path, reason: "\(result.precision)-bit JPEG is not supported (8-bit only)")
        case SSJPG_CMYK:
            return FileError(path: path, reason: "CMYK JPEG is not supported")
        case SSJPG_COMPONENTS:
            return FileError(path: path, reason: "JPEG with \(result.components) components is not supported (grey or colour only)")
        default:
            var copy = result.message
            let text = withUnsafeBytes(of: &copy) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            let acronym = text.dropFirst().first?.isUppercase ?? true  // "JPEG datastream ..." stays as is
            let reason = text.isEmpty ? "unreadable" : acronym ? text : text.prefix(1).lowercased() + text.dropFirst()
            return FileError(path: path, reason: "invalid JPEG: \(reason.replacingOccurrences(of: "\n", with: " "))")
        }
    }

    /// The C function's `int` result as its enum.
    static func status(_ raw: Int32) -> ssjpg_status { ssjpg_status(rawValue: UInt32(bitPattern: raw)) }

    /// libjpeg's J_COLOR_SPACE of the stored data, in the lower-case words `ImageInfo` uses.
    static func colourName(_ space: Int32) -> String {
        switch space {
        case 1: "grey"     // JCS_GRAYSCALE
        case 2: "rgb"      // JCS_RGB (Adobe transform 0, or component ids R, G, B)
        case 3: "ycbcr"    // JCS_YCbCr (JFIF)
        case 4: "cmyk"     // JCS_CMYK
        case 5: "ycck"     // JCS_YCCK
        default: "code-\(space)"
        }
    }
}
