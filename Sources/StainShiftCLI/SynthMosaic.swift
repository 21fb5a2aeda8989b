import ArgumentParser
import Foundation
import StainShift

/// `stainshift synth mosaic TILE OUT.tiff --copies N`: a large image made of N x N copies of one
/// tile, written as a tiled TIFF band by band (`RGBTIFFStream`), so a whole-slide-sized test or
/// benchmark image never has to fit in memory. Its truth is N² times the tile's.
struct SynthMosaic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Write N x N copies of one tile as a tiled (256 px, LZW) TIFF, band by band.",
        discussion: Help.discussion(examples: [
            "stainshift synth mosaic tile.png big.tiff --copies 8",
        ]))

    @Argument(help: "The tile: a TIFF or PNG (8-bit RGB).") var tile: String
    @Argument(help: "Output .tif or .tiff.") var output: String
    @Option(help: "Copies along each side.") var copies: Int = 4

    func validate() throws {
        guard (1...256).contains(copies) else { throw ValidationError("--copies must be 1-256") }
        try validateTIFFOutput(output)
    }

    func run() throws {
        try failing("synth") {
            let (image, s) = try readTile(tile, for: "a mosaic")
            let w = image.width * copies, h = image.height * copies
            let stream = try RGBTIFFStream(path: output, width: w, height: h, pixelSizeMicrons: image.pixelSizeMicrons)
            var row = [UInt8](repeating: 0, count: 3 * w)
            for y in 0..<h {
                let src = 3 * image.width * (y % image.height)
                for c in 0..<copies {
                    row.replaceSubrange((3 * image.width * c)..<(3 * image.width * (c + 1)), with: s[src..<(src + 3 * image.width)])
                }
                try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try stream.append(row: b) }
            }
            try stream.finish()
        }
    }
}

/// `stainshift synth slide TILE OUT.tiff --size N`: a synthetic whole slide, a pyramidal tiled TIFF
/// (level 0 and levels at downsample 4, 16 and 64, `PyramidTIFFStream`) that OpenSlide reads as a
/// generic-tiff slide: copies of one tile over a centred square of `--tissue` px (default: the
/// whole slide), glass around it, the pixel size in its resolution tags. Written row by row with
/// one band of tiles per level in memory, so a 100,000² slide needs about 100 MB.
struct SynthSlide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slide",
        abstract: "Write a pyramidal tiled TIFF slide (levels 1, 1/4, 1/16, 1/64) of copies of one tile, band by band.",
        discussion: Help.discussion(examples: [
            "stainshift synth slide tile.png slide.tiff --size 24576",
            "stainshift synth slide tile.png empty.tiff --size 100000 --tissue 4096 --pixel-size 0.25",
        ]))

    @Argument(help: "The tile: a TIFF or PNG (8-bit RGB).") var tile: String
    @Argument(help: "Output .tif or .tiff.") var output: String
    @Option(help: "Slide width and height in pixels.") var size: Int
    @Option(help: "Side in pixels of the centred square of tissue (copies of the tile); the rest is glass. Default: the whole slide.")
    var tissue: Int?
    @Option(help: "µm per pixel written into the file (default: the tile's, else 0.25).") var pixelSize: Double?

    func validate() throws {
        guard (256...1_000_000).contains(size) else { throw ValidationError("--size must be 256-1000000 pixels") }
        if let tissue, !(0...size).contains(tissue) { throw ValidationError("--tissue must be 0 to --size pixels") }
        if let pixelSize, !(pixelSize.isFinite && (0.05...5).contains(pixelSize)) { throw ValidationError("--pixel-size must be 0.05-5 µm") }
        try validateTIFFOutput(output)
    }

    func run() throws {
        try failing("synth") {
            let (image, s) = try readTile(tile, for: "a slide")
            let side = tissue ?? size, start = (size - side) / 2
            let stream = try PyramidTIFFStream(path: output, width: size, height: size,
                                               pixelSizeMicrons: pixelSize ?? image.pixelSizeMicrons ?? 0.25)
            var row = [UInt8](repeating: 255, count: 3 * size)
            let tw = image.width
            for y in 0..<size {
                guard side > 0, (start..<(start + side)).contains(y) else { try stream.appendGlass(rows: 1); continue }
                let src = 3 * tw * ((y - start) % image.height)
                var x = start
                while x < start + side {
                    let n = min(tw - (x - start) % tw, start + side - x), from = src + 3 * ((x - start) % tw)
                    row.replaceSubrange((3 * x)..<(3 * (x + n)), with: s[from..<(from + 3 * n)])
                    x += n
                }
                try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try stream.append(row: b) }
            }
            try stream.finish()
        }
    }
}

/// OUT of `synth mosaic` and `synth slide` must be a TIFF name.
func validateTIFFOutput(_ output: String) throws {
    guard ["tif", "tiff"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
        throw ValidationError("OUT must end in .tif or .tiff: \(output)")
    }
}

/// The tile copied by `synth mosaic` and `synth slide`, and its 8-bit samples (another bit depth is a usage error).
func readTile(_ tile: String, for what: String) throws -> (RGBImage, [UInt8]) {
    let image = try ImageReader.read(tile)
    guard case .uint8(let s) = image.samples else {
        throw CommandFailure(command: "synth", detail: "\(tile): \(what) needs an 8-bit RGB tile", code: 64)
    }
    return (image, s)
}
