import ArgumentParser
import Foundation
import StainShift

/// `stainshift info IMAGE [--page N]`: the header facts of one page as one JSON object.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an image's size, layout and pixel size as JSON.",
        discussion: Help.discussion(examples: [
            "stainshift info slide.ome.tif",
            "stainshift info scan.tif --page 2 > page2.json",
        ]))

    @Argument(help: "A TIFF or PNG image.") var image: String
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0

    func validate() throws {
        guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
    }

    func run() throws {
        let info = try failing("info") { try ImageReader.info(image, page: page) }
        print(Info.json(info))
    }

    /// Keys in a fixed order: width, height, bits, samples, photometric, compression, tiled,
    /// tile_width, tile_height, pages, pixel_size_um (null when unknown), format.
    static func json(_ info: ImageInfo) -> String {
        func number(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        let pixelSize = info.pixelSizeMicrons.map { String(format: "%.6g", $0) } ?? "null"
        return "{\"width\": \(info.width), \"height\": \(info.height), \"bits\": \(info.bitsPerSample), "
            + "\"samples\": \(info.samplesPerPixel), \"photometric\": \"\(info.photometric)\", "
            + "\"compression\": \"\(info.compression)\", \"tiled\": \(info.tiled), "
            + "\"tile_width\": \(number(info.tileWidth)), \"tile_height\": \(number(info.tileHeight)), "
            + "\"pages\": \(info.pages), \"pixel_size_um\": \(pixelSize), \"format\": \"\(info.format.rawValue)\"}"
    }
}
