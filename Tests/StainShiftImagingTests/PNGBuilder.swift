import Foundation

/// A minimal PNG encoder for tests (stored deflate blocks, optional Adam7 interlacing), so
/// every colour type, bit depth and chunk can be produced exactly, including broken files.
struct PNGBuilder {
    var width: Int
    var height: Int
    var bitDepth: Int = 8
    /// 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.
    var colourType: Int = 2
    var interlaced = false
    var palette: [UInt8]? = nil
    var transparency: [UInt8]? = nil
    /// pHYs pixels per metre.
    var pixelsPerMetre: Int? = nil
    /// Samples, row-major, channels per pixel as the colour type says.
    var samples: [Int]

    var channels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType] ?? 3 }

    func encode() -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = be32(width) + be32(height)
        ihdr += [UInt8(bitDepth), UInt8(colourType), 0, 0, interlaced ? 1 : 0]
        out += chunk("IHDR", ihdr)
        if let p = pixelsPerMetre { out += chunk("pHYs", be32(p) + be32(p) + [1]) }
        if let palette { out += chunk("PLTE", palette) }
        if let transparency { out += chunk("tRNS", transparency) }
        out += chunk("IDAT", zlibStored(raw()))
        out += chunk("IEND", [])
        return out
    }

    /// Filtered (filter 0) scanlines, by Adam7 pass when interlaced.
    func raw() -> [UInt8] {
        let passes: [(Int, Int, Int, Int)] = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var out: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx)), ys = Array(stride(from: y0, to: height, by: dy))
            if xs.isEmpty || ys.isEmpty { continue }
            for y in ys {
                out.append(0)
                var bits: [Int] = []
                for x in xs { for c in 0..<channels { bits.append(samples[(y * width + x) * channels + c]) } }
                out += pack(bits)
            }
        }
        return out
    }

    func pack(_ values: [Int]) -> [UInt8] {
        switch bitDepth {
        case 16: return values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case 8: return values.map { UInt8($0) }
        default:
            var out: [UInt8] = []
            var byte = 0, used = 0
            for v in values {
                byte = (byte << bitDepth) | v
                used += bitDepth
                if used == 8 { out.append(UInt8(byte)); byte = 0; used = 0 }
            }
            if used > 0 { out.append(UInt8(byte << (8 - used))) }
            return out
        }
    }

    func be32(_ v: Int) -> [UInt8] { [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(PNGBuilder.crc32(body)))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }

    /// zlib stream of stored (uncompressed) deflate blocks.
    func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let final: UInt8 = i + n >= data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let adler = (b << 16) | a
        out += be32(Int(adler))
        return out
    }

    func write(to path: String) throws {
        try Data(encode()).write(to: URL(fileURLWithPath: path))
    }
}
