import CTIFF
import Foundation
@testable import StainShiftImaging

/// A scratch folder per test, removed when the value is dropped... by `cleanup()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ss-img-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.path + "/" + name.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }.map(String.init).joined() }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// One TIFF page to write with libtiff directly, as other software would.
struct TIFFPage {
    var width: Int
    var height: Int
    var samplesPerPixel: Int = 3
    var bitsPerSample: Int = 8
    var photometric: Int32 = PHOTOMETRIC_RGB
    var compression: Int32 = COMPRESSION_NONE
    var planar = false
    var tile: (Int, Int)? = nil
    var rowsPerStrip: Int = 3
    var extraSamples: [UInt16] = []
    var colormap: [UInt16]? = nil  // 3 x 2^bits entries: reds, greens, blues
    var orientation: Int? = nil
    var sampleFormat: Int32 = SAMPLEFORMAT_UINT
    var resolution: (Double, Int32)? = nil
    var description: String? = nil
    var jpegColourModeRGB = false
    /// Chunky samples, row-major (UInt8 or UInt16 values; 1/2/4-bit packed as bytes per row).
    var samples: [UInt16]

    var bytesPerSample: Int { bitsPerSample / 8 }
}

enum FixtureError: Error { case libtiff(String) }

/// Writes `pages` to `path` with libtiff (mode "w", or "w8" for BigTIFF).
func writeTIFF(_ pages: [TIFFPage], to path: String, mode: String = "w") throws {
    // libtiff keeps the diagnostics pointer for the handle's life: give it stable heap memory.
    let diagnostics = UnsafeMutablePointer<sstiff_diagnostics>.allocate(capacity: 1)
    diagnostics.initialize(to: sstiff_diagnostics())
    defer { diagnostics.deallocate() }
    guard let tif = sstiff_open(path, mode, diagnostics, 0) else { throw FixtureError.libtiff("open") }
    defer { TIFFClose(tif) }
    var diag: sstiff_diagnostics { diagnostics.pointee }
    for page in pages {
        func set16(_ tag: Int32, _ v: Int) { _ = sstiff_set_u16(tif, UInt32(tag), UInt16(v)) }
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(page.width))
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(page.height))
        set16(TIFFTAG_SAMPLESPERPIXEL, page.samplesPerPixel)
        set16(TIFFTAG_BITSPERSAMPLE, page.bitsPerSample)
        set16(TIFFTAG_PHOTOMETRIC, Int(page.photometric))
        set16(TIFFTAG_COMPRESSION, Int(page.compression))
        set16(TIFFTAG_SAMPLEFORMAT, Int(page.sampleFormat))
        set16(TIFFTAG_PLANARCONFIG, Int(page.planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG))
        if let o = page.orientation { set16(TIFFTAG_ORIENTATION, o) }
        if !page.extraSamples.isEmpty {
            _ = page.extraSamples.withUnsafeBufferPointer { sstiff_set_extrasamples(tif, UInt16($0.count), $0.baseAddress) }
        }
        if var map = page.colormap {
            let n = map.count / 3
            _ = map.withUnsafeMutableBufferPointer { m in
                sstiff_set_colormap(tif, m.baseAddress!, m.baseAddress! + n, m.baseAddress! + 2 * n)
            }
        }
        if let (res, unit) = page.resolution {
            set16(TIFFTAG_RESOLUTIONUNIT, Int(unit))
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), res)
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), res)
        }
        if let d = page.description { _ = sstiff_set_string(tif, UInt32(TIFFTAG_IMAGEDESCRIPTION), d) }
        if page.compression == COMPRESSION_JPEG {
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_JPEGQUALITY), 95)
            if page.jpegColourModeRGB { _ = sstiff_set_u32(tif, UInt32(TIFFTAG_JPEGCOLORMODE), UInt32(JPEGCOLORMODE_RGB)) }
        }
        let spp = page.samplesPerPixel, bps = page.bytesPerSample
        let planes = page.planar ? spp : 1
        let perPixel = page.planar ? 1 : spp
        // Bytes of sample s (or all when chunky) for pixel (x, y).
        func bytes(x: Int, y: Int, plane: Int) -> [UInt8] {
            var out: [UInt8] = []
            for s in 0..<perPixel {
                let v = page.samples[(y * page.width + x) * spp + (page.planar ? plane : s)]
                if bps == 2 { out += [UInt8(v & 0xFF), UInt8(v >> 8)] } else { out.append(UInt8(truncatingIfNeeded: v)) }
            }
            return out
        }
        let packed = page.bitsPerSample < 8
        if let (tw, th) = page.tile {
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_TILEWIDTH), UInt32(tw))
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_TILELENGTH), UInt32(th))
            var index: UInt32 = 0
            for plane in 0..<planes {
                for ty in stride(from: 0, to: page.height, by: th) {
                    for tx in stride(from: 0, to: page.width, by: tw) {
                        var buffer: [UInt8] = []
                        for y in ty..<(ty + th) {
                            for x in tx..<(tx + tw) {
                                if x < page.width && y < page.height { buffer += bytes(x: x, y: y, plane: plane) }
                                else { buffer += [UInt8](repeating: 0, count: perPixel * bps) }
                            }
                        }
                        let n = buffer.withUnsafeMutableBytes { TIFFWriteEncodedTile(tif, index, $0.baseAddress, tmsize_t($0.count)) }
                        if n < 0 { throw FixtureError.libtiff("tile: \(diagText(diag))") }
                        index += 1
                    }
                }
            }
        } else {
            _ = sstiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(page.rowsPerStrip))
            var index: UInt32 = 0
            for plane in 0..<planes {
                for y0 in stride(from: 0, to: page.height, by: page.rowsPerStrip) {
                    var buffer: [UInt8] = []
                    for y in y0..<min(y0 + page.rowsPerStrip, page.height) {
                        if packed {
                            // Samples hold already-packed row bytes.
                            let rowBytes = (page.width * page.bitsPerSample + 7) / 8
                            buffer += page.samples[(y * rowBytes)..<((y + 1) * rowBytes)].map { UInt8($0) }
                        } else {
                            for x in 0..<page.width { buffer += bytes(x: x, y: y, plane: plane) }
                        }
                    }
                    let n = buffer.withUnsafeMutableBytes { TIFFWriteEncodedStrip(tif, index, $0.baseAddress, tmsize_t($0.count)) }
                    if n < 0 { throw FixtureError.libtiff("strip: \(diagText(diag))") }
                    index += 1
                }
            }
        }
        guard TIFFWriteDirectory(tif) != 0 else { throw FixtureError.libtiff("directory: \(diagText(diag))") }
    }
}

/// A deterministic test pattern: `channels` samples per pixel, every value distinct-ish.
func pattern(width: Int, height: Int, channels: Int, max: Int = 255, seed: Int = 0) -> [UInt16] {
    var out: [UInt16] = []
    out.reserveCapacity(width * height * channels)
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels {
                out.append(UInt16((x * 37 + y * 101 + c * 59 + seed * 13 + (x * y) % 7) % (max + 1)))
            }
        }
    }
    return out
}

extension RGBImage {
    var bytes: [UInt8] { if case .uint8(let s) = samples { s } else { [] } }
    var words: [UInt16] { if case .uint16(let s) = samples { s } else { [] } }
    func pixel(_ x: Int, _ y: Int) -> [Int] {
        let i = (y * width + x) * 3
        switch samples {
        case .uint8(let s): return [Int(s[i]), Int(s[i + 1]), Int(s[i + 2])]
        case .uint16(let s): return [Int(s[i]), Int(s[i + 1]), Int(s[i + 2])]
        }
    }
}

/// Runs `body` with file descriptor 2 redirected, returning what was written to stderr.
/// Used to prove no C library message leaks.
func capturingStderr(_ body: () throws -> Void) rethrows -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("ss-stderr-\(UUID().uuidString)").path
    fflush(nil)
    let saved = dup(2)
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    dup2(fd, 2)
    close(fd)
    defer {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
    }
    try body()
    fflush(nil)
    let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    unlink(file)
    return text
}

/// Where `../shared/validation` sits relative to this package, and whether it is there.
enum Validation {
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/validation")
    static var available: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("OS-2-ndpi.ome.tif").path)
    }
}

func diagText(_ d: sstiff_diagnostics) -> String {
    var copy = d.error
    return withUnsafeBytes(of: &copy) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
