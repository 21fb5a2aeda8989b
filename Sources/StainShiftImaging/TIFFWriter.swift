import CTIFF
import Foundation
import StainShiftFoundation

/// Compression for TIFFs StainShift writes; all lossless.
public enum TIFFCompression: String, Sendable, CaseIterable {
    case none, lzw, deflate

    var code: UInt16 {
        switch self {
        case .none: UInt16(COMPRESSION_NONE)
        case .lzw: UInt16(COMPRESSION_LZW)
        case .deflate: UInt16(COMPRESSION_ADOBE_DEFLATE)
        }
    }
}

extension ImageWriter {
    /// RGB TIFF (8 or 16-bit as the image is), strips of about 64 KiB with the horizontal
    /// differencing predictor when compressed; pixel size written as resolution in pixels/cm.
    public static func writeTIFF(_ image: RGBImage, to path: String,
                                 compression: TIFFCompression = .lzw) throws(FileError) {
        let bits = image.bitDepth
        try TIFFWriter.write(to: path, width: image.width, height: image.height, samplesPerPixel: 3,
                             bitsPerSample: bits, sampleFormat: UInt16(SAMPLEFORMAT_UINT),
                             photometric: UInt16(PHOTOMETRIC_RGB), compression: compression,
                             predictor: compression == .none ? nil : UInt16(PREDICTOR_HORIZONTAL),
                             pixelSizeMicrons: image.pixelSizeMicrons) { body throws(FileError) in
            switch image.samples {
            case .uint8(let s): try TIFFWriter.withBytes(s, body)
            case .uint16(let s): try TIFFWriter.withBytes(s, body)
            }
        }
    }

    /// Single-channel 32-bit float TIFF (SampleFormat IEEE float) for optical-density maps,
    /// Deflate with the floating-point predictor (Adobe TIFF Technical Note 3) by default.
    public static func writeTIFFFloat(width: Int, height: Int, values: [Float], to path: String,
                                      compression: TIFFCompression = .deflate,
                                      pixelSizeMicrons: Double? = nil) throws(FileError) {
        guard values.count == width * height else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) image from \(values.count) values")
        }
        try TIFFWriter.write(to: path, width: width, height: height, samplesPerPixel: 1, bitsPerSample: 32,
                             sampleFormat: UInt16(SAMPLEFORMAT_IEEEFP), photometric: UInt16(PHOTOMETRIC_MINISBLACK),
                             compression: compression,
                             predictor: compression == .none ? nil : UInt16(PREDICTOR_FLOATINGPOINT),
                             pixelSizeMicrons: pixelSizeMicrons) { body throws(FileError) in
            try TIFFWriter.withBytes(values, body)
        }
    }
}

/// The one strip writer behind the public TIFF writers: temporary file, strips, flush, rename.
enum TIFFWriter {
    typealias Body = (UnsafeRawBufferPointer) throws(FileError) -> Void

    /// `withUnsafeBytes` with a typed-throwing body.
    static func withBytes<T>(_ array: [T], _ body: Body) throws(FileError) {
        var failure: FileError?
        array.withUnsafeBytes { raw in
            do throws(FileError) { try body(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The tags of a contiguous, top-left image with strips of `rowsPerStrip` rows; the pixel size
    /// as resolution in pixels/cm.
    static func setTags(_ handle: TIFFHandle, width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int,
                        sampleFormat: UInt16, photometric: UInt16, compression: TIFFCompression, predictor: UInt16?,
                        rowsPerStrip: Int, pixelSizeMicrons: Double?, tileEdge: Int? = nil) throws(FileError) {
        let tif = handle.tif
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), UInt16(samplesPerPixel))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(bitsPerSample))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), sampleFormat)
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), photometric)
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_ORIENTATION), UInt16(ORIENTATION_TOPLEFT))
        guard sstiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), compression.code) != 0 else {
            throw handle.failure("this libtiff cannot write \(compression.rawValue) compression")
        }
        if let predictor { _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PREDICTOR), predictor) }
        if let tileEdge {
            // Tiled instead of strips (TIFF 6.0 section 15): square tiles, a multiple of 16 px.
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_TILEWIDTH), UInt32(tileEdge))
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_TILELENGTH), UInt32(tileEdge))
        } else {
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(rowsPerStrip))
        }
        if let um = pixelSizeMicrons, um.isFinite, um > 0 {
            _ = sstiff_set_u16(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_CENTIMETER))
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), 10_000 / um)
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), 10_000 / um)
        }
        _ = sstiff_set_string(tif, UInt32(TIFFTAG_SOFTWARE), "StainShift")
    }

    static func write(to path: String, width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int,
                      sampleFormat: UInt16, photometric: UInt16, compression: TIFFCompression,
                      predictor: UInt16?, pixelSizeMicrons: Double?,
                      samples: (Body) throws(FileError) -> Void) throws(FileError) {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) TIFF")
        }
        let rowBytes = width * samplesPerPixel * bitsPerSample / 8
        let total = rowBytes * height
        let temporary = AtomicFile.temporaryPath(for: path)
        do throws(FileError) {
            // Classic TIFF addresses 4 GiB; leave room for tags and incompressible data.
            let handle = try TIFFHandle.open(temporary, mode: total > (3 << 30) ? "w8" : "w")
            let tif = handle.tif
            let rowsPerStrip = max(1, min(height, (64 << 10) / max(rowBytes, 1)))
            try setTags(handle, width: width, height: height, samplesPerPixel: samplesPerPixel, bitsPerSample: bitsPerSample,
                        sampleFormat: sampleFormat, photometric: photometric, compression: compression, predictor: predictor,
                        rowsPerStrip: rowsPerStrip, pixelSizeMicrons: pixelSizeMicrons)
            try samples { (raw: UnsafeRawBufferPointer) throws(FileError) in
                guard raw.count == total, let base = raw.baseAddress else {
                    throw FileError(path: path, reason: "sample buffer does not match \(width) x \(height)")
                }
                var strip: UInt32 = 0
                var row = 0
                while row < height {
                    let rows = min(rowsPerStrip, height - row)
                    let bytes = rows * rowBytes
                    // libtiff's encoders may modify the buffer in place (predictors), so copy into a scratch strip.
                    let ok = withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 16) { scratch in
                        scratch.copyMemory(from: UnsafeRawBufferPointer(start: base + row * rowBytes, count: bytes))
                        return TIFFWriteEncodedStrip(tif, strip, scratch.baseAddress, tmsize_t(bytes)) >= 0
                    }
                    guard ok else { throw handle.failure("cannot write strip \(strip)") }
                    strip += 1
                    row += rows
                }
            }
            guard TIFFFlush(tif) != 0 else { throw handle.failure("cannot finish the TIFF") }
        } catch {
            unlink(temporary)
            throw FileError(path: path, reason: error.reason)
        }
        try AtomicFile.commit(temporary, to: path)
    }
}
