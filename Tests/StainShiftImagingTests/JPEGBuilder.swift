import CJPEGCodec
import Foundation
@testable import StainShiftImaging

/// JPEG fixtures made by libjpeg's own compressor (through CJPEGCodec), plus the byte surgery
/// that turns them into the files cameras and broken transfers produce: an EXIF APP1 segment,
/// a patched frame header (SOF), a cut.
struct JPEGBuilder {
    var width: Int
    var height: Int
    /// 1 grey, 3 RGB, 4 CMYK.
    var components: Int = 3
    var quality: Int = 92
    var progressive = false
    /// Chroma 2x2 subsampled (4:2:0, the camera default), else 4:4:4.
    var subsample = true
    /// Row-major, `components` bytes per pixel.
    var samples: [UInt8]

    enum Failure: Error { case encoder(String) }

    func encode() throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let ok = samples.withUnsafeBufferPointer { s in
            ssjpg_encode(s.baseAddress, UInt32(width), UInt32(height), Int32(components), Int32(quality),
                         progressive ? 1 : 0, subsample ? 1 : 0, &out, &length, &message, message.count)
        }
        defer { ssjpg_free(out) }
        guard ok == 1, let out else {
            throw Failure.encoder(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// A smooth RGB image (gradients and a soft blob), the kind JPEG keeps within a few levels.
    static func smooth(width: Int, height: Int) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let dx = Double(x - width / 2), dy = Double(y - height / 2)
                let blob = 80 * exp(-(dx * dx + dy * dy) / Double(2 * max(1, width * height / 16)))
                s[i] = UInt8(40 + 180 * x / max(1, width - 1))
                s[i + 1] = UInt8(40 + 180 * y / max(1, height - 1))
                s[i + 2] = UInt8(min(255, 60 + blob + Double(100 * (x + y) / max(1, width + height - 2))))
            }
        }
        return s
    }

    /// Four flat quadrants, 8-pixel aligned: top-left red, top-right green, bottom-left blue,
    /// bottom-right near white; for checking where pixels land after an orientation.
    static let quadrantColours: [[Int]] = [[210, 40, 40], [40, 190, 40], [40, 40, 210], [235, 235, 235]]
    static func quadrants(width: Int, height: Int) -> [UInt8] {
        var s: [UInt8] = []
        s.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                s += quadrantColours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)].map { UInt8($0) }
            }
        }
        return s
    }
}

/// Edits of JPEG byte streams.
enum JPEGSurgery {
    /// Offset of the first frame header marker (FF C0...C3, C5...C7, C9...CB, CD...CF).
    static func frameHeader(_ bytes: [UInt8]) -> Int? {
        var i = 2
        while i + 4 <= bytes.count, bytes[i] == 0xFF {
            let m = bytes[i + 1]
            if (0xC0...0xCF).contains(m), ![0xC4, 0xC8, 0xCC].contains(m) { return i }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
        }
        return nil
    }

    /// The frame header rewritten: sample precision (byte 4) and/or height and width (bytes 5-8).
    static func patchingFrame(_ bytes: [UInt8], precision: Int? = nil, width: Int? = nil, height: Int? = nil) -> [UInt8] {
        guard let at = frameHeader(bytes) else { return bytes }
        var b = bytes
        if let precision { b[at + 4] = UInt8(precision) }
        if let height { b[at + 5] = UInt8(height >> 8); b[at + 6] = UInt8(height & 0xFF) }
        if let width { b[at + 7] = UInt8(width >> 8); b[at + 8] = UInt8(width & 0xFF) }
        return b
    }

    /// An APP1 "Exif" segment holding IFD0 with one Orientation entry (and a dummy tag before it,
    /// so the entry is not the first), inserted right after SOI as cameras write it.
    static func insertingEXIF(orientation: Int, into bytes: [UInt8], bigEndian: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8) + u16(2)
        tiff += u16(0x010F) + u16(2) + u32(4) + Array("Cam\0".utf8)       // Make, ASCII, inline
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)  // Orientation, SHORT
        tiff += u32(0)
        let payload = Array("Exif\0\0".utf8) + tiff
        let length = payload.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Array(bytes[0..<2]) + segment + Array(bytes[2...])
    }
}

extension RGBImage {
    /// Mean absolute difference of the samples from `reference` (same layout, RGB).
    func meanAbsoluteError(from reference: [UInt8], stride: Int = 1) -> Double {
        let mine = bytes
        guard mine.count == reference.count, !mine.isEmpty else { return .infinity }
        var total = 0, n = 0
        for i in Swift.stride(from: 0, to: mine.count, by: stride) {
            total += abs(Int(mine[i]) - Int(reference[i]))
            n += 1
        }
        return Double(total) / Double(n)
    }
}
