import Foundation
import StainShiftFoundation

/// Chunk surgery on a PNG that libpng's simplified writer made (it cannot write pHYs itself).
enum PNGChunk {
    /// Inserts a pHYs chunk (PNG 1.2, 11.3.5.3: pixels per unit, unit 1 = metre) right after IHDR.
    static func insertPhysicalSize(micronsPerPixel um: Double, into path: String) throws(FileError) {
        guard var data = FileManager.default.contents(atPath: path), data.count > 33,
              data[12..<16].elementsEqual(Array("IHDR".utf8)) else {
            throw FileError(path: path, reason: "not a PNG with a leading IHDR chunk")
        }
        let perMetre = UInt32((1e6 / um).rounded())
        var body = Array("pHYs".utf8)
        for _ in 0..<2 { body += bigEndian(perMetre) }
        body.append(1)
        let chunk = bigEndian(9) + body + bigEndian(crc32(body))
        data.insert(contentsOf: chunk, at: 33)   // signature 8 + IHDR (4 length, 4 type, 13 data, 4 CRC)
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw FileError(path: path, reason: "cannot rewrite with its pixel size")
        }
    }

    /// Inserts tEXt chunks (PNG 1.2, 11.3.4.3: Latin-1 keyword of 1-79 bytes, a NUL, the text)
    /// right after IHDR, in the order given.
    static func insertText(_ entries: [(keyword: String, text: String)], into path: String) throws(FileError) {
        guard var data = FileManager.default.contents(atPath: path), data.count > 33,
              data[12..<16].elementsEqual(Array("IHDR".utf8)) else {
            throw FileError(path: path, reason: "not a PNG with a leading IHDR chunk")
        }
        var chunks: [UInt8] = []
        for (keyword, text) in entries {
            let key = Array(keyword.utf8.prefix(79)).filter { $0 >= 32 && $0 < 127 }
            guard !key.isEmpty else { continue }
            let body = Array("tEXt".utf8) + key + [0] + Array(text.utf8).map { $0 < 128 ? $0 : UInt8(ascii: "?") }
            chunks += bigEndian(UInt32(body.count - 4)) + body + bigEndian(crc32(body))
        }
        data.insert(contentsOf: chunks, at: 33)
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw FileError(path: path, reason: "cannot rewrite with its text")
        }
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// CRC-32 (ISO 3309, as PNG chunks use) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
