import CTIFF
import Foundation
import StainShiftFoundation

extension ImageReader {
    /// Rows per strip of a stripped TIFF page; nil for tiled pages, other files and unreadable ones.
    /// Band-by-band readers follow it so that each strip is decoded once.
    public static func rowsPerStrip(_ path: String, page: Int = 0) -> Int? {
        guard let handle = try? TIFFHandle.open(path), (try? handle.setPage(page)) != nil,
              TIFFIsTiled(handle.tif) == 0 else { return nil }
        var rows: UInt32 = 0
        guard sstiff_get_u32(handle.tif, UInt32(TIFFTAG_ROWSPERSTRIP), &rows) != 0, rows > 0, rows < UInt32.max else {
            return nil
        }
        return Int(rows)
    }

    /// A single-sample float32 TIFF page with strips, such as the OD maps `writeTIFFFloat` and
    /// `FloatTIFFStream` write.
    public static func readFloatTIFF(_ path: String, page: Int = 0,
                                     maxPixels: Int = ReadOptions.defaultMaxPixels) throws(FileError) -> FloatPlane {
        let handle = try TIFFHandle.open(path)
        try handle.setPage(page)
        let tif = handle.tif
        var w: UInt32 = 0, h: UInt32 = 0, bits: UInt16 = 0, spp: UInt16 = 0, format: UInt16 = 0
        _ = sstiff_get_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), &w)
        _ = sstiff_get_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), &h)
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_BITSPERSAMPLE), &bits)
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), &spp)
        _ = sstiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLEFORMAT), &format)
        guard bits == 32, spp == 1, format == UInt16(SAMPLEFORMAT_IEEEFP) else {
            throw FileError(path: path, reason: "not a single-sample 32-bit float TIFF (\(spp) x \(bits)-bit samples)")
        }
        guard TIFFIsTiled(tif) == 0 else { throw FileError(path: path, reason: "tiled float TIFFs are not supported") }
        let (width, height) = (Int(w), Int(h))
        guard width > 0, height > 0 else { throw FileError(path: path, reason: "zero-sized image") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw FileError(path: path, reason: "\(width) x \(height) pixels exceeds the limit of \(maxPixels) pixels")
        }
        var values = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            let ok = values.withUnsafeMutableBufferPointer { TIFFReadScanline(tif, $0.baseAddress.map { $0 + y * width }, UInt32(y), 0) >= 0 }
            guard ok else { throw handle.failure("cannot read row \(y)") }
        }
        return FloatPlane(width: width, height: height, values: values)
    }
}

/// One plane of float samples, row by row.
public struct FloatPlane: Sendable, Equatable {
    public var width: Int, height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        self.width = width; self.height = height; self.values = values
    }
}

/// A single-sample float32 TIFF written a band of rows at a time (Deflate with the floating-point
/// predictor, as `ImageWriter.writeTIFFFloat`), to a temporary name renamed on `finish()`.
public final class FloatTIFFStream {
    public var path: String { file.path }
    var temporary: String { file.temporary }
    public let width: Int, height: Int
    private let file: PendingTIFF
    private var row = 0
    private var scratch: [Float]

    public init(path: String, width: Int, height: Int, pixelSizeMicrons: Double?) throws(FileError) {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) TIFF")
        }
        self.width = width; self.height = height
        scratch = [Float](repeating: 0, count: width)
        file = try PendingTIFF(path: path, rawBytes: 4 * width * height)
        let handle = try file.writing()
        do throws(FileError) {
            try TIFFWriter.setTags(handle, width: width, height: height, samplesPerPixel: 1, bitsPerSample: 32,
                                   sampleFormat: UInt16(SAMPLEFORMAT_IEEEFP), photometric: UInt16(PHOTOMETRIC_MINISBLACK),
                                   compression: .deflate, predictor: UInt16(PREDICTOR_FLOATINGPOINT),
                                   rowsPerStrip: max(1, min(height, (64 << 10) / (4 * width))), pixelSizeMicrons: pixelSizeMicrons)
        } catch {
            file.abandon()
            throw FileError(path: path, reason: error.reason)
        }
    }

    /// Appends `rows` full rows starting at `values`.
    public func append(rows: Int, from values: UnsafePointer<Float>?) throws(FileError) {
        guard let handle = file.handle, let values, row + rows <= height else {
            throw FileError(path: path, reason: "rows beyond the image height")
        }
        for r in 0..<rows {
            // The predictor encodes in place, so hand libtiff a copy of the row.
            let ok = scratch.withUnsafeMutableBufferPointer { s -> Bool in
                guard let base = s.baseAddress else { return false }
                base.update(from: values + r * width, count: width)
                return TIFFWriteScanline(handle.tif, base, UInt32(row), 0) >= 0
            }
            guard ok else { throw FileError(path: path, reason: handle.failure("cannot write row \(row)").reason) }
            row += 1
        }
    }

    /// Completes the file and moves it into place.
    public func finish() throws(FileError) { try file.commit(rowsWritten: row, of: height) }

    /// Closes and removes an unfinished file (after an error).
    public func abandon() { file.abandon() }
}
