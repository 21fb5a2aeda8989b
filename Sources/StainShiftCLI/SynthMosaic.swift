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
        guard ["tif", "tiff"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("OUT must end in .tif or .tiff: \(output)")
        }
    }

    func run() throws {
        try failing("synth") {
            let image = try ImageReader.read(tile)
            guard case .uint8(let s) = image.samples else {
                throw CommandFailure(command: "synth", detail: "\(tile): a mosaic needs an 8-bit RGB tile", code: 64)
            }
            let w = image.width * copies, h = image.height * copies
            let stream = try RGBTIFFStream(path: output, width: w, height: h, pixelSizeMicrons: image.pixelSizeMicrons)
            var row = [UInt8](repeating: 0, count: 3 * w)
            for y in 0..<h {
                let src = 3 * image.width * (y % image.height)
                for c in 0..<copies {
                    row.replaceSubrange((3 * image.width * c)..<(3 * image.width * (c + 1)), with: s[src..<(src + 3 * image.width)])
                }
                try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(ImagingError) in try stream.append(row: b) }
            }
            try stream.finish()
        }
    }
}
