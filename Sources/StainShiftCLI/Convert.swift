import ArgumentParser
import Foundation
import StainShift

/// `stainshift convert IN OUT`: TIFF, PNG or JPEG in, TIFF or PNG out (chosen by OUT's extension).
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert TIFF, PNG or JPEG to TIFF or PNG (output format from OUT's extension: .tif/.tiff or .png).",
        discussion: Help.discussion(examples: [
            "stainshift convert tile.tif tile.png",
            "stainshift convert tile.png tile.tif --compression deflate",
            "stainshift convert scan.tif page1.png --page 1",
        ]))

    @Argument(help: "Input TIFF, PNG or JPEG.") var input: String
    @Argument(help: "Output .tif, .tiff or .png.") var output: String
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0
    @Option(help: "TIFF compression: lzw, deflate or none.") var compression: String = "lzw"
    @Option(help: "Decoding threads (default: all cores).") var threads: Int = 0

    enum Target { case tiff, png }

    var target: Target? {
        switch URL(fileURLWithPath: output).pathExtension.lowercased() {
        case "tif", "tiff": .tiff
        case "png": .png
        default: nil
        }
    }

    func validate() throws {
        guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
        guard target != nil else { throw ValidationError("OUT must end in .tif, .tiff or .png: \(output)") }
        guard TIFFCompression(rawValue: compression) != nil else {
            throw ValidationError("--compression must be lzw, deflate or none, not \(compression)")
        }
    }

    func run() throws {
        try failing("convert") {
            let image = try ImageReader.read(input, options: ReadOptions(page: page, threads: threads))
            switch target {
            case .tiff:
                try ImageWriter.writeTIFF(image, to: output, compression: TIFFCompression(rawValue: compression) ?? .lzw)
            case .png:
                try ImageWriter.writePNG(image, to: output)
            case nil:
                throw CommandFailure(command: "convert", detail: "\(output): unknown output format", code: 64)
            }
        }
    }
}
