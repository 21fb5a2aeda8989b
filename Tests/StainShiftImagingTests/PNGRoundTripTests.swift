import Foundation
import Testing
@testable import StainShiftImaging

@Suite struct PNGRoundTripTests {
    @Test func rgb8RoundTripKeepsEveryPixel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ss-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = (0..<(7 * 5 * 3)).map { UInt8(($0 * 37) % 256) }
        let image = RGBImage(width: 7, height: 5, samples: .uint8(samples))
        let path = dir.appendingPathComponent("a.png").path
        try ImageWriter.writePNG(image, to: path)
        let back = try ImageReader.read(path)
        #expect(back.width == 7 && back.height == 5)
        #expect(back.samples == image.samples)
    }
}
