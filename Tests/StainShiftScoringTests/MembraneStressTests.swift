import Testing
import StainShiftStains
@testable import StainShiftScoring
@testable import StainShiftSynth

/// The membrane path (PD-L1 TPS, HLA class I) under renderings it was not developed on: thinner and
/// wider membranes, more blur, faint (1+) and partial rings, a paler counterstain, and the DAB
/// vector tilted between a "pre" and a "post" scan of the same tissue. The 22C3 and SP263 guides
/// count any intensity, partial or complete, so a faint or partial ring is a positive cell.
@Suite struct MembraneStressTests {
    struct Rendering: CustomTestStringConvertible, Sendable {
        var name: String
        /// Why this rendering is known to miss the 5-point tolerance with the fixed H-DAB stains
        /// (measured TPS for truth 19.9 / 59.7); nil when it must hold.
        var knownIssue: String? = nil
        var change: @Sendable (inout TileSpec) -> Void
        var testDescription: String { name }
    }

    /// DAB turned towards red (a different chromogen lot or scanner), H unchanged.
    static let tiltedDAB: StainMatrix = {
        let h = StainPresets.hDAB.stains[0]
        let dab = try! StainVector(role: .dab, r: 0.40, g: 0.58, b: 0.71)
        return try! StainMatrix(h, dab)
    }()

    static let renderings: [Rendering] = [
        Rendering(name: "as developed") { _ in },
        Rendering(name: "membrane 0.6 µm") { $0.membraneMicrons = 0.6 },
        Rendering(name: "membrane 1.8 µm") { $0.membraneMicrons = 1.8 },
        Rendering(name: "blur 1.5 px", knownIssue: "DAB bleeds into neighbouring negative rings: 22.1 / 66.0") { $0.blurSigmaPixels = 1.5 },
        Rendering(name: "all rings faint (1+)") { $0.binWeights = [1, 0, 0] },
        Rendering(name: "most rings partial") { $0.partialMembraneFraction = 0.9 },
        Rendering(name: "pale counterstain", knownIssue: "the morphology rule's fixed 0.55 OD hematoxylin level misses pale lymphocytes, which then count as tumour cells: 59.7 read as 52.7") { $0.counterstain = 0.5 },
        Rendering(name: "DAB vector tilted") { $0.stains = MembraneStressTests.tiltedDAB },
        Rendering(name: "faint, blurred") { $0.binWeights = [1, 0, 0]; $0.blurSigmaPixels = 1.2 },
        Rendering(name: "faint, partial") { $0.binWeights = [1, 0, 0]; $0.partialMembraneFraction = 0.6 },
        Rendering(name: "faint, tilted", knownIssue: "fixed stains read 0.81 of a tilted DAB: 15.4 / 50.3; estimated stains recover it (TiltedStainTests)") { $0.binWeights = [1, 0, 0]; $0.stains = MembraneStressTests.tiltedDAB },
        Rendering(name: "faint, partial, blurred, tilted", knownIssue: "tilt and blur together: 8.9 / 40.9, the 0.6x of the other generator's cohort") {
            $0.binWeights = [0.8, 0.2, 0]; $0.partialMembraneFraction = 0.6
            $0.blurSigmaPixels = 1.2; $0.stains = MembraneStressTests.tiltedDAB
        },
    ]

    static func tps(_ marker: Marker, _ rendering: Rendering, positive: Double, seed: UInt64) -> (truth: Double, measured: Double) {
        var spec = TileSpec(marker: marker, width: 512, height: 512, positiveFraction: positive)
        rendering.change(&spec)
        let (image, truth) = SyntheticTile.generate(spec, seed: seed)
        let got = TileScorer.analyse(image, name: rendering.name, marker: marker, settings: ScoringSettings()).score.totals
        return (truth.totals(for: marker).tumour.percentPositive, got.tumour.percentPositive)
    }

    @Test(arguments: renderings)
    func pdl1TPSHoldsAcrossRenderings(_ rendering: Rendering) {
        let check = {
            for (positive, seed) in [(0.2, UInt64(41)), (0.6, UInt64(42))] {
                let r = Self.tps(.pdl1, rendering, positive: positive, seed: seed)
                #expect(abs(r.measured - r.truth) <= 5, "\(rendering.name): TPS \(r.measured) vs \(r.truth)")
            }
        }
        if let reason = rendering.knownIssue {
            withKnownIssue(Comment(rawValue: reason)) { check() }
        } else {
            check()
        }
    }
}

/// A DAB vector tilted by 8.5° (pre and post scanned with different chromogen lots or scanners) is
/// read through the fixed H-DAB matrix as 0.81 of its DAB and 0.23 of extra hematoxylin, so faint
/// (1+) rings fall under the weak threshold: TPS 60 -> 50 above. The stain vectors estimated from
/// the image (Macenko; `--stains auto`, which `run` pools per slide) restore the reading.
@Suite struct TiltedStainTests {
    @Test(arguments: [(0.2, UInt64(41)), (0.6, UInt64(42))])
    func estimatedStainsRecoverFaintTiltedRings(positive: Double, seed: UInt64) {
        var spec = TileSpec(marker: .pdl1, width: 512, height: 512, positiveFraction: positive)
        spec.binWeights = [1, 0, 0]
        spec.stains = MembraneStressTests.tiltedDAB
        let (image, truth) = SyntheticTile.generate(spec, seed: seed)
        let estimate = StainEstimation.macenko([image])
        #expect(!estimate.usedFallback, "\(estimate.warning ?? "")")
        // Macenko's robust extreme angle overshoots the tilt (15-16° from H-DAB for a true 8.5° on
        // these tiles, whose faint rings give few DAB-rich pixels), yet moves DAB the right way.
        let fromReference = estimate.matrix.driftDegrees(from: StainPresets.hDAB)[.dab] ?? 0
        let fromTruth = estimate.matrix.driftDegrees(from: MembraneStressTests.tiltedDAB)[.dab] ?? 90
        #expect(fromReference > 4 && fromTruth < 10, "estimated stains \(estimate.matrix.text)")
        var settings = ScoringSettings()
        settings.stains = estimate.matrix
        let got = TileScorer.analyse(image, name: "tilted", marker: .pdl1, settings: settings).score.totals
        let t = truth.totals(for: .pdl1).tumour.percentPositive, g = got.tumour.percentPositive
        #expect(abs(g - t) <= 5, "TPS \(g) vs \(t) with estimated stains")
    }

    /// `--stains auto` (`estimatesStains`): the scorer estimates the stains from the image itself,
    /// exactly as an explicit Macenko matrix would score it, and its planes name the matrix used;
    /// a tile of a larger image (a `core`) keeps the caller's image- or slide-wide stains.
    @Test func scorerEstimatesTheStainsOfTheImageWhenAsked() {
        var spec = TileSpec(marker: .pdl1, width: 512, height: 512, positiveFraction: 0.6)
        spec.binWeights = [1, 0, 0]
        spec.stains = MembraneStressTests.tiltedDAB
        let (image, _) = SyntheticTile.generate(spec, seed: 42)
        var explicit = ScoringSettings()
        explicit.stains = StainEstimation.macenko([image]).matrix
        var automatic = ScoringSettings()
        automatic.estimatesStains = true
        let a = TileScorer.analyse(image, name: "auto", marker: .pdl1, settings: automatic)
        let e = TileScorer.analyse(image, name: "explicit", marker: .pdl1, settings: explicit)
        #expect(a.planes.matrix == explicit.stains)
        #expect(a.planes.matrix != StainPresets.hDAB)
        #expect(a.score.totals == e.score.totals)
        let core = TileRect(x: 0, y: 0, width: 512, height: 512)
        let tile = TileScorer.analyse(image, name: "core", marker: .pdl1, settings: automatic, core: core)
        #expect(tile.planes.matrix == StainPresets.hDAB)
    }

    /// `auto` and `auto:SET` parse to estimation with SET (h-dab by default) as roles and fallback.
    @Test func setupParsesAutomaticStains() throws {
        var setup = ScoringSetup(marker: "pdl1")
        setup.stains = "auto"
        let plain = try setup.resolve().settings
        #expect(plain.estimatesStains && plain.stains == StainPresets.hDAB)
        setup.stains = "auto:qupath-h-dab"
        let named = try setup.resolve().settings
        #expect(named.estimatesStains && named.stains == StainPresets.named("qupath-h-dab")?.matrix)
        setup.stains = "h-dab"
        #expect(try !setup.resolve().settings.estimatesStains)
        setup.stains = "auto:bogus"
        #expect(throws: ScoringSetupError.self) { try setup.resolve() }
    }
}
