import Foundation
import Testing
@testable import StainShiftCohort
import StainShiftImaging
import StainShiftPipeline
import StainShiftScoring
import StainShiftStains
import StainShiftSynth
import StainShiftTestSupport

@Suite struct AutoStainsTests {
    /// A pre slide stained with the preset and a post slide whose DAB is rotated by ~10 degrees:
    /// `--stains auto` estimates each slide from its pooled tiles, and the drift between them is
    /// reported and flagged.
    @Test func autoStainsAreEstimatedPerSlideAndTheirDriftIsFlagged() throws {
        let s = try Scratch()
        let shifted = try StainMatrix(StainVector(role: .hematoxylin, r: 0.650, g: 0.704, b: 0.286),
                                      StainVector(role: .dab, r: 0.40, g: 0.60, b: 0.69))
        let trueDrift = StainDrift.degrees(StainPresets.hDAB.givenStains, shifted.givenStains)
        #expect(trueDrift > 8)
        var lines = ["patient,timepoint,marker,image"]
        for (tp, stains) in [("pre", StainPresets.hDAB), ("post", shifted)] {
            for k in 0..<2 {
                var spec = TileSpec()
                spec.width = 192; spec.height = 192; spec.stains = stains; spec.stainJitterDegrees = 0
                spec.positiveFraction = 0.6
                let (image, _) = SyntheticTile.generate(spec, seed: UInt64(10 + k + (tp == "pre" ? 0 : 5)))
                try ImageWriter.writePNG(image, to: s.path("\(tp)\(k).png"))
                lines.append("P,\(tp),pdl1,\(tp)\(k).png")
            }
        }
        let manifest = try Manifest.load(try s.write("m.csv", lines.joined(separator: "\n") + "\n"), knownMarkers: markers)
        var options = BatchOptions(threads: 2)
        options.defaultStains = "auto"
        let parts = try BatchRunner(engine: fakeEngine(), stains: StainResolver(), options: options).run(manifest.slides, folder: manifest.folder)
        #expect(parts.map(\.stainsSource) == ["auto", "auto"])
        let slides = CohortAnalysis.slides(parts, scores: simpleScores)
        let drift = try #require(slides.first?.stainDriftDegrees)
        #expect(abs(drift - trueDrift) < 4, "estimated drift \(drift), true \(trueDrift)")
        #expect(slides.allSatisfy { $0.qcFlags.contains("stain_drift") })
    }
}
