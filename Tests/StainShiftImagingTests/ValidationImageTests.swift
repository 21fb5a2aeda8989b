import Foundation
import Testing
@testable import StainShiftImaging

/// The OS-2 OME-TIFFs from Bio-Formats (JPEG tiles holding YCbCr 2x2 streams behind RGB tags,
/// which libtiff refuses) open with the right size, pixel size and colours.
@Suite(.enabled(if: Validation.available)) struct ValidationImageTests {
    static let cases: [(String, Int, Double, Double)] = [
        // file, size, OME-XML PhysicalSizeX (µm), resolution-tag size (µm)
        ("OS-2-ndpi.ome.tif", 2202, 0.2270972430394695, 10_000 / 44034.0),
        ("OS-2-vsi.ome.tif", 1445, 0.34605325860336383, 10_000 / 28897.3),
    ]

    @Test(arguments: cases.map(\.0))
    func openWithSizeAndOMEPixelSize(_ name: String) throws {
        let (_, size, ome, tags) = try #require(ValidationImageTests.cases.first { $0.0 == name })
        let path = Validation.folder.appendingPathComponent(name).path
        let info = try ImageReader.info(path)
        #expect(info.width == size && info.height == size && info.tiled && info.tileWidth == 512)
        #expect(info.compression == "jpeg")
        // OME-XML wins over the (rounded) resolution tags.
        #expect(info.pixelSizeMicrons == ome)
        #expect(abs(ome - tags) < 0.001)
        let image = try ImageReader.read(path)
        #expect(image.width == size && image.height == size && image.pixelSizeMicrons == ome)
        // Brightfield: the mean is light and bluish-grey (haematoxylin counterstain), not green or purple.
        let bytes = image.bytes
        var sums = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: bytes.count, by: 3) { for c in 0..<3 { sums[c] += Double(bytes[i + c]) } }
        let mean = sums.map { $0 / Double(image.pixelCount) }
        #expect(mean.allSatisfy { $0 > 150 && $0 < 250 }, "mean RGB \(mean)")
        #expect(mean[2] >= mean[1] - 5, "blue should not fall below green: \(mean)")
        #expect(mean[1] <= mean[0] + 15 && mean[1] <= mean[2] + 15, "green cast: \(mean)")
        // A window across tile edges equals the same rectangle of the whole image.
        let region = try ImageReader.readRegion(path, x: 500, y: 1000, width: 300, height: 40)
        #expect(region == image.cropped(to: PixelRect(x: 500, y: 1000, width: 300, height: 40)))
    }
}
