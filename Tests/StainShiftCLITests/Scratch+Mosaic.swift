import Foundation
import Testing
import StainShiftTestSupport

/// The synthetic images several CLI suites score through the built binary, in their scratch folder.
extension Scratch {
    /// Writes `tile.png`, a 256 x 256 synthetic PD-L1 tile, and `mosaic.tiff`, its 2 x 2 mosaic
    /// (512 x 512 tiled TIFF, `synth mosaic`); true when both commands succeed.
    func tileAndMosaic(seed: Int) -> Bool {
        let a = try? CLIRun.run(["synth", "tile", path("tile.png"), "--marker", "pdl1", "--seed", "\(seed)", "--size", "256"])
        let b = try? CLIRun.run(["synth", "mosaic", path("tile.png"), path("mosaic.tiff"), "--copies", "2"])
        return a?.status == 0 && b?.status == 0
    }
}

extension CLIRun {
    /// A command's stdout parsed as a JSON object.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
