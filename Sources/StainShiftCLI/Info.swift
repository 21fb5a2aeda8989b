import ArgumentParser
import Foundation
import StainShift

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an image's size, layout and pixel size as JSON.")

    @Argument(help: "A TIFF or PNG image.") var image: String
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0

    func run() throws {
        let img = try failing("info") { try ImageReader.read(image, options: ReadOptions(page: page)) }
        print("{\"width\": \(img.width), \"height\": \(img.height), \"bits\": \(img.bitDepth)}")
    }
}
