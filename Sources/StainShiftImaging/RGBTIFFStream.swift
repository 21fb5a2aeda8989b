import CTIFF
import Foundation
import StainShiftFoundation

/// An 8-bit RGB tiled TIFF written a band of rows at a time (LZW with the horizontal predictor,
/// 256 x 256 tiles), to a temporary name renamed on `finish()`: images far larger than memory (a
/// whole-slide-sized benchmark or test mosaic) can be written while holding one band of tiles.
public final class RGBTIFFStream {
    public var path: String { file.path }
    var temporary: String { file.temporary }
    public let width: Int, height: Int
    /// Tile edge in pixels; bands are whole rows of tiles.
    public static let tileEdge = 256
    private let file: PendingTIFF
    /// Rows written so far, and the band being filled (`tileEdge` rows of the full width).
    private var row = 0
    private var band: [UInt8]
    private var bandRows = 0

    public init(path: String, width: Int, height: Int, pixelSizeMicrons: Double?) throws(FileError) {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) TIFF")
        }
        self.width = width; self.height = height
        band = [UInt8](repeating: 255, count: 3 * width * Self.tileEdge)
        file = try PendingTIFF(path: path, rawBytes: 3 * width * height)
        let handle = try file.writing()
        do throws(FileError) {
            try TIFFWriter.setTags(handle, width: width, height: height, samplesPerPixel: 3, bitsPerSample: 8,
                                   sampleFormat: UInt16(SAMPLEFORMAT_UINT), photometric: UInt16(PHOTOMETRIC_RGB),
                                   compression: .lzw, predictor: UInt16(PREDICTOR_HORIZONTAL), rowsPerStrip: 0,
                                   pixelSizeMicrons: pixelSizeMicrons, tileEdge: Self.tileEdge)
        } catch {
            file.abandon()
            throw FileError(path: path, reason: error.reason)
        }
    }

    /// Appends one full row of interleaved RGB (`3 * width` bytes).
    public func append(row samples: UnsafeBufferPointer<UInt8>) throws(FileError) {
        guard file.handle != nil, row + bandRows < height, samples.count == 3 * width, let base = samples.baseAddress else {
            throw FileError(path: path, reason: "row \(row + bandRows) does not fit the \(width) x \(height) image")
        }
        band.withUnsafeMutableBufferPointer { b in
            guard let dst = b.baseAddress else { return }
            (dst + 3 * width * bandRows).update(from: base, count: 3 * width)
        }
        bandRows += 1
        if bandRows == Self.tileEdge || row + bandRows == height { try flushBand() }
    }

    /// Encodes the filled band as one row of tiles (rows past the band's end stay white).
    private func flushBand() throws(FileError) {
        guard let handle = file.handle else { return }
        let t = Self.tileEdge
        var tile = [UInt8](repeating: 255, count: 3 * t * t)
        for x0 in stride(from: 0, to: width, by: t) {
            let w = min(t, width - x0)
            for y in 0..<t {
                for i in 0..<(3 * t) {
                    tile[3 * t * y + i] = y < bandRows && i < 3 * w ? band[3 * (y * width + x0) + i] : 255
                }
            }
            let ok = tile.withUnsafeMutableBytes {
                TIFFWriteTile(handle.tif, $0.baseAddress, UInt32(x0), UInt32(row), 0, 0) >= 0
            }
            guard ok else { throw FileError(path: path, reason: handle.failure("cannot write the tile at (\(x0), \(row))").reason) }
        }
        row += bandRows
        bandRows = 0
    }

    /// Completes the file and moves it into place. (Rows still in the band count as written: the
    /// band is flushed as soon as it holds the image's last row.)
    public func finish() throws(FileError) { try file.commit(rowsWritten: row + bandRows, of: height) }

    /// Closes and removes an unfinished file (after an error).
    public func abandon() { file.abandon() }
}
