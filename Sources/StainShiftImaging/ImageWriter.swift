import CPNG
import Foundation
import StainShiftFoundation

/// Writers for previews, overlays and optical-density maps. Every file is written to a
/// temporary name beside the target and renamed, so a killed run never leaves half a file.
public enum ImageWriter {
    /// RGB PNG: 8-bit, or 16-bit for 16-bit images (written as stored; StainShift's reader
    /// ignores the linear gAMA chunk libpng adds, so the samples round-trip exactly).
    /// The image's pixel size, when known, goes into a pHYs chunk (pixels per metre), which
    /// StainShift's reader and QuPath take as the calibration.
    public static func writePNG(_ image: RGBImage, to path: String) throws(FileError) {
        switch image.samples {
        case .uint8(let samples):
            try writePNG(width: image.width, height: image.height, channels: 3, bytes: samples, to: path,
                         pixelSizeMicrons: image.pixelSizeMicrons)
        case .uint16(let samples):
            try writePNG16(width: image.width, height: image.height, samples: samples, to: path)
        }
    }

    /// An 8-bit RGB PNG as `writePNG(_:to:)`, with `text` as tEXt chunks (keyword, ASCII text).
    public static func writePNG(_ image: RGBImage, to path: String, text: [(String, String)]) throws(FileError) {
        guard case .uint8(let samples) = image.samples else {
            throw FileError(path: path, reason: "text chunks are written on 8-bit PNGs only")
        }
        try writePNG(width: image.width, height: image.height, channels: 3, bytes: samples, to: path,
                     pixelSizeMicrons: image.pixelSizeMicrons, text: text)
    }

    static func writePNG16(width: Int, height: Int, samples: [UInt16], to path: String) throws(FileError) {
        guard width > 0, height > 0, samples.count == width * height * 3 else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) image from \(samples.count) samples")
        }
        let temporary = AtomicFile.temporaryPath(for: path)
        var image = png_image()
        image.version = SSPNG_IMAGE_VERSION
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = SSPNG_FORMAT_LINEAR_RGB
        let ok = samples.withUnsafeBytes {
            png_image_write_to_file(&image, temporary, 0, $0.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            unlink(temporary)
            throw FileError(path: path, reason: "cannot write PNG: \(PNGReader.message(of: image))")
        }
        try AtomicFile.commit(temporary, to: path)
    }

    static func writePNG(width: Int, height: Int, channels: Int, bytes: [UInt8], to path: String,
                         pixelSizeMicrons: Double? = nil, text: [(String, String)] = []) throws(FileError) {
        guard width > 0, height > 0, bytes.count == width * height * channels else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) image from \(bytes.count) bytes")
        }
        let temporary = AtomicFile.temporaryPath(for: path)
        var image = png_image()
        image.version = SSPNG_IMAGE_VERSION
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = channels == 3 ? SSPNG_FORMAT_RGB : SSPNG_FORMAT_GRAY
        let ok = bytes.withUnsafeBytes {
            png_image_write_to_file(&image, temporary, 0, $0.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            unlink(temporary)
            throw FileError(path: path, reason: "cannot write PNG: \(PNGReader.message(of: image))")
        }
        if let um = PixelSize.plausible(pixelSizeMicrons) {
            do { try PNGChunk.insertPhysicalSize(micronsPerPixel: um, into: temporary) } catch {
                unlink(temporary)
                throw FileError(path: path, reason: "cannot write PNG: \(error.reason)")
            }
        }
        if !text.isEmpty {
            do { try PNGChunk.insertText(text.map { (keyword: $0.0, text: $0.1) }, into: temporary) } catch {
                unlink(temporary)
                throw FileError(path: path, reason: "cannot write PNG: \(error.reason)")
            }
        }
        try AtomicFile.commit(temporary, to: path)
    }
}

/// Write-to-temporary-then-rename, the one way StainShift creates output files.
public enum AtomicFile {
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    public static func commit(_ temporary: String, to path: String) throws(FileError) {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileError(path: path, reason: "cannot move the finished file into place: \(reason)")
        }
    }

    /// Writes `data` atomically. A failure names the system's reason ("No such file or directory",
    /// "Permission denied", "No space left on device").
    public static func write(_ data: Data, to path: String) throws(FileError) {
        let temporary = temporaryPath(for: path)
        let failure = writeFile(data, to: temporary)
        guard failure == 0 else {
            unlink(temporary)
            throw FileError(path: path, reason: "cannot write: \(String(cString: strerror(failure)))")
        }
        try commit(temporary, to: path)
    }

    public static func write(_ text: String, to path: String) throws(FileError) {
        try write(Data(text.utf8), to: path)
    }
}

/// Creates `path` (which must not exist) holding `data`; 0 or the errno of the first failure.
private func writeFile(_ data: Data, to path: String) -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { return errno }
    var failure: Int32 = data.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return 0 }
        var offset = 0
        while offset < raw.count {
            let written = write(fd, base + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
    if close(fd) != 0 && failure == 0 { failure = errno }
    return failure
}
