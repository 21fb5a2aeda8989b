import CTIFF
import StainShiftFoundation

/// libtiff's RGBA interface (`TIFFRGBAImageGet`) for layouts the direct route does not cover:
/// 1/2/4-bit, YCbCr without JPEG, CMYK, CIE Lab, old-style JPEG, ... Always 8-bit output.
enum RGBAInterface {
    /// Decodes the stored rectangle `rect` into `out` (RGB, alpha over white), in bands of rows
    /// so the 32-bit raster stays small.
    static func decode(_ handle: TIFFHandle, rect: PixelRect, into out: UnsafeMutablePointer<UInt8>) throws(FileError) {
        let tif = handle.tif
        var message = [CChar](repeating: 0, count: 1024)
        func text() -> String { String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        guard TIFFRGBAImageOK(tif, &message) != 0 else {
            throw FileError(path: handle.path, reason: "unsupported layout: \(text())")
        }
        var image = TIFFRGBAImage()
        guard TIFFRGBAImageBegin(&image, tif, 0, &message) != 0 else {
            throw FileError(path: handle.path, reason: "unsupported layout: \(text())")
        }
        defer { TIFFRGBAImageEnd(&image) }
        // Ask for the stored orientation: no flips; StainShift applies the Orientation tag itself.
        image.req_orientation = image.orientation
        let bandRows = max(1, min(rect.height, (4 << 20) / rect.width))
        var raster = [UInt32](repeating: 0, count: rect.width * bandRows)
        var row = 0
        while row < rect.height {
            let rows = min(bandRows, rect.height - row)
            image.row_offset = Int32(rect.y + row)
            image.col_offset = Int32(rect.x)
            let ok = raster.withUnsafeMutableBufferPointer {
                TIFFRGBAImageGet(&image, $0.baseAddress, UInt32(rect.width), UInt32(rows))
            }
            guard ok != 0 else { throw handle.failure("cannot decode rows \(rect.y + row)-\(rect.y + row + rows - 1)") }
            let destination = out + row * rect.width * 3
            for i in 0..<(rows * rect.width) {
                let p = raster[i]
                // Packed ABGR, colour premultiplied by alpha: composite over white.
                let white = 255 - Int(p >> 24)
                destination[3 * i] = UInt8(min(255, Int(p & 0xFF) + white))
                destination[3 * i + 1] = UInt8(min(255, Int((p >> 8) & 0xFF) + white))
                destination[3 * i + 2] = UInt8(min(255, Int((p >> 16) & 0xFF) + white))
            }
            row += rows
        }
    }
}
