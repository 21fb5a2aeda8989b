import Foundation
import Testing
import StainShiftFoundation
import StainShiftImaging
import StainShiftPipeline
import StainShiftStains
import StainShiftSynth
import StainShiftTestSupport

/// `DeconvolveJob`, the library behind `stainshift deconvolve` (the CLI tests run it as the binary).
@Suite struct DeconvolveJobTests {
    static func tile(_ s: Scratch, width: Int = 150, height: Int = 260) throws -> String {
        var spec = TileSpec()
        spec.width = width; spec.height = height
        let (image, _) = SyntheticTile.generate(spec, seed: 5)
        let path = s.path("tile.tif")
        try ImageWriter.writeTIFF(image, to: path)
        return path
    }

    /// Above `maxPixels` the image goes through in bands with estimated stains and white point, and
    /// every map and summary figure is the one the whole-image path gives.
    @Test func bandsGiveTheWholeImageResult() throws {
        let s = try Scratch()
        let input = try Self.tile(s)
        var job = DeconvolveJob(image: input, output: s.path("whole"))
        job.stains = "auto"
        job.background = "auto"
        let whole = try job.run()
        job.output = s.path("bands")
        job.maxPixels = 10_000
        job.threads = 1
        let banded = try job.run()
        #expect(whole.bands == 1 && banded.bands > 1)
        #expect(whole.stainText == banded.stainText && whole.meanOD == banded.meanOD && whole.background.red == banded.background.red)
        for role in [StainRole.hematoxylin, .dab, .residual] {
            let a = try ImageReader.readFloatTIFF(s.path("whole/tile.\(role.rawValue).tiff"))
            let b = try ImageReader.readFloatTIFF(s.path("bands/tile.\(role.rawValue).tiff"))
            #expect(a.width == 150 && a.height == 260)
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern), "\(role)")
            #expect(banded.outputs[role.rawValue] == s.path("bands/tile.\(role.rawValue).tiff"))
        }
    }

    /// Bad stains, an output folder that cannot be made, a missing image: errors naming the
    /// problem, and nothing written.
    @Test func failuresNameTheProblemAndWriteNothing() throws {
        let s = try Scratch()
        let input = try Self.tile(s, width: 40, height: 40)
        var job = DeconvolveJob(image: input, output: s.path("out"))
        job.stains = "h-dob"
        #expect(throws: StainError.self) { try job.run() }
        job.stains = "auto:h-dob"
        #expect(throws: StainError.self) { try job.resolveStains() }
        job.stains = "h-dab"
        _ = try s.write("file", "not a folder")
        job.output = s.path("file/out")
        #expect(throws: PipelineError(path: s.path("file/out"), reason: "cannot create the output folder")) { try job.run() }
        job = DeconvolveJob(image: s.path("missing.png"), output: s.path("out"))
        #expect(throws: FileError.self) { try job.run() }
        #expect(!FileManager.default.fileExists(atPath: s.path("out")))
    }

    /// A white-point estimate without enough glass falls back, and says so through `warn`, naming the image.
    @Test func fallbacksAreReportedThroughWarn() throws {
        let s = try Scratch()
        let brown = RGBImage(width: 64, height: 64, samples: .uint8([UInt8](repeating: 0, count: 64 * 64 * 3).enumerated().map {
            [UInt8(150), 110, 80][$0.offset % 3]
        }))
        let input = s.path("brown.png")
        try ImageWriter.writePNG(brown, to: input)
        var job = DeconvolveJob(image: input, output: s.path("out"))
        job.background = "auto"
        var warnings: [String] = []
        let summary = try job.run { warnings.append($0) }
        #expect(warnings.count == 1 && warnings.first?.hasPrefix("\(input): background: ") == true, "\(warnings)")
        #expect(summary.background.warning != nil && !summary.background.estimated)
    }
}
