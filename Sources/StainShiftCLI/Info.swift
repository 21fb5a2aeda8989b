import ArgumentParser
import Foundation
import StainShift

/// `stainshift info IMAGE [--page N]`: the header facts of one page (a whole slide: one level)
/// as one JSON object.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an image's size, layout and pixel size as JSON.",
        discussion: Help.discussion(examples: [
            "stainshift info slide.ome.tif",
            "stainshift info scan.tif --page 2 > page2.json",
        ]))

    @Argument(help: "A TIFF, PNG or JPEG image, or a whole slide (SVS, NDPI, MRXS, SCN, ...).") var image: String
    @Option(help: "Zero-based page of a multi-page TIFF (a whole slide: level).") var page: Int = 0

    func validate() throws {
        guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
    }

    func run() throws {
        let info = try failing("info") { try ImageReader.info(image, page: page) }
        print(Info.json(info))
    }

    /// Keys in a fixed order: width, height, bits, samples, photometric, compression, tiled,
    /// tile_width, tile_height, pages, pixel_size_um (null when unknown), format; whole slides
    /// (format `slide`) add vendor, objective (null when unknown), levels
    /// `[{width, height, downsample}]` and associated_images `[names]`; pyramidal TIFFs add levels.
    static func json(_ info: ImageInfo) -> String {
        func number(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        let pixelSize = info.pixelSizeMicrons.map { String(format: "%.6g", $0) } ?? "null"
        let slide = info.format == .slide ? slideJSON(info) : info.levels.isEmpty ? "" : ", \"levels\": \(levelsJSON(info))"
        return "{\"width\": \(info.width), \"height\": \(info.height), \"bits\": \(info.bitsPerSample), "
            + "\"samples\": \(info.samplesPerPixel), \"photometric\": \"\(info.photometric)\", "
            + "\"compression\": \"\(info.compression)\", \"tiled\": \(info.tiled), "
            + "\"tile_width\": \(number(info.tileWidth)), \"tile_height\": \(number(info.tileHeight)), "
            + "\"pages\": \(info.pages), \"pixel_size_um\": \(pixelSize), \"format\": \"\(info.format.rawValue)\"\(slide)}"
    }

    /// `[{width, height, downsample}, ...]`.
    static func levelsJSON(_ info: ImageInfo) -> String {
        "[" + info.levels.map {
            "{\"width\": \($0.width), \"height\": \($0.height), \"downsample\": \(String(format: "%.6g", $0.downsample))}"
        }.joined(separator: ", ") + "]"
    }

    /// The whole-slide keys, each preceded by ", ".
    static func slideJSON(_ info: ImageInfo) -> String {
        let quoted = JSONText.quote
        let objective = info.objectivePower.map { String(format: "%g", $0) } ?? "null"
        return ", \"vendor\": \(info.vendor.map(quoted) ?? "null"), \"objective\": \(objective), "
            + "\"levels\": \(levelsJSON(info)), "
            + "\"associated_images\": [\(info.associatedImages.map(quoted).joined(separator: ", "))]"
    }
}
