import Foundation
import Testing
@testable import StainShiftCohort
import StainShiftClassify
import StainShiftFoundation
import StainShiftImaging
import StainShiftPipeline
import StainShiftReport
import StainShiftScoring
import StainShiftTestSupport

/// Counts how often the fake scorer ran.
final class Counter: @unchecked Sendable {
    private let lock = NSLock(); private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// A cheap engine: a tile's first red sample is its number of positive tumour cells out of 200.
func fakeEngine(_ counter: Counter = Counter()) -> ScoringEngine {
    ScoringEngine(knownMarkers: markers, score: { job in
        counter.add()
        guard case .uint8(let s) = job.image.samples else { throw FileError(path: job.name, reason: "8-bit only") }
        var t = TileTotals(); t.tiles = 1; t.imagePixels = job.image.pixelCount; t.tissuePixels = job.image.pixelCount
        let positive = min(200, Int(s[0]))
        t.tumour = BinCounts(negative: 200 - positive, weak: positive / 2, moderate: positive - positive / 2)
        return TileScore(image: job.name, marker: job.marker, totals: t, qcFlags: [], pixelSizeMicrons: job.pixelSize ?? 0.5)
    }, scores: simpleScores, parameters: { "fake-\($0)" })
}

/// A small cohort of PNG tiles: per patient, pre tiles around `pre` positives and post around `post`.
func writeCohort(_ s: Scratch, patients: [(String, Int, Int)], tilesPerSlide: Int = 4, corrupt: String? = nil) throws -> String {
    var lines = ["patient,timepoint,marker,image"]
    for (p, pre, post) in patients {
        for (tp, base) in [("pre", pre), ("post", post)] {
            for k in 0..<tilesPerSlide {
                let name = "\(p)_\(tp)_\(k).png"
                let value = UInt8(clamping: base + k * 3 - 4)  // distinct content per tile
                try ImageWriter.writePNG(RGBImage(width: 4, height: 4, filling: (value, 10, 10)), to: s.path(name))
                lines.append("\(p),\(tp),pdl1,\(name)")
            }
        }
    }
    if let corrupt {
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: s.path(corrupt)))
        lines.append("\(patients[0].0),pre,pdl1,\(corrupt)")
    }
    return try s.write("manifest.csv", lines.joined(separator: "\n") + "\n")
}

func tables(_ manifestPath: String, threads: Int, outdir: String? = nil, resume: Bool = false, stopAfter: Int? = nil,
            engine: ScoringEngine = fakeEngine()) throws -> (text: String, result: CohortResult) {
    let manifest = try Manifest.load(manifestPath, knownMarkers: markers)
    var options = BatchOptions(threads: threads)
    options.cacheDirectory = outdir.map { $0 + "/cache" }
    options.resume = resume
    options.stopAfter = stopAfter
    let parts = try BatchRunner(engine: engine, stains: StainResolver(), options: options).run(manifest.slides, folder: manifest.folder)
    var settings = CohortSettings(); settings.resamples = 200; settings.threads = threads
    let result = CohortAssembler.assemble(manifest: manifest, parts: parts, engine: engine, settings: settings)
    let text = Tables.tiles(result.tiles) + Tables.slides(result.slides) + Tables.changes(result.changes)
        + Tables.groups(result.calls, signalIDs: ClassifierConfig().signals.map(\.id)) + Tables.failures(result.failures)
    return (text, result)
}

@Suite struct BatchRunnerTests {
    @Test func tablesAreIdenticalWhateverTheThreadCount() throws {
        let s = try Scratch()
        let m = try writeCohort(s, patients: [("A", 20, 90), ("B", 80, 10), ("C", 50, 52)])
        let one = try tables(m, threads: 1), three = try tables(m, threads: 3)
        #expect(one.text == three.text)
        #expect(one.result.calls.map(\.pdl1Group) == [.increase, .decrease, .noChange])
        #expect(one.result.tiles.count == 24)
    }

    @Test func aKilledRunResumedEqualsAnUninterruptedRun() throws {
        let s = try Scratch()
        let m = try writeCohort(s, patients: [("A", 20, 90), ("B", 80, 10)])
        let whole = try tables(m, threads: 2)
        let out = s.path("out")
        #expect(throws: PipelineError.self) { try tables(m, threads: 2, outdir: out, stopAfter: 5) }
        let cached = try FileManager.default.contentsOfDirectory(atPath: out + "/cache").filter { $0.hasSuffix(".json") }
        #expect(cached.count >= 5 && cached.count < 16)
        let counter = Counter()
        let resumed = try tables(m, threads: 2, outdir: out, resume: true, engine: fakeEngine(counter))
        #expect(resumed.text == whole.text)
        #expect(counter.value == 16 - cached.count)
        // Without --resume every tile is scored again.
        let again = Counter()
        _ = try tables(m, threads: 2, outdir: out, resume: false, engine: fakeEngine(again))
        #expect(again.value == 16)
    }

    /// Scores cached by older scoring code are not reused: the standard engine's cache parameters
    /// lead with the scoring revision, and cache entries made under other parameters are ignored.
    @Test func cachedScoresFromOtherScoringCodeAreNotReused() throws {
        #expect(ScoringEngine.standard().parameters("pdl1").hasPrefix("scoring_revision=\(StainShiftVersion.scoringRevision)\n"))
        // Another detection preset, threshold or fixed OD factor is another cache key.
        let keys = Set([ScoringEngine.standard(), .standard(detection: .qupath03), .standard(detectionThreshold: 0.3),
                        .standard(odScale: nil), .standard(odScale: 1.5)].map { $0.parameters("ki67") })
        #expect(keys.count == 5)
        let s = try Scratch()
        let m = try writeCohort(s, patients: [("A", 20, 90)])
        let out = s.path("out")
        _ = try tables(m, threads: 2, outdir: out)
        let counter = Counter()
        var newer = fakeEngine(counter)
        newer.parameters = { "fake-\($0)\nscoring_revision=99" }
        _ = try tables(m, threads: 2, outdir: out, resume: true, engine: newer)
        #expect(counter.value == 8)
    }

    @Test func aCorruptTileIsAFailureAndTheRestIsScored() throws {
        let s = try Scratch()
        let m = try writeCohort(s, patients: [("A", 20, 90)], corrupt: "broken.png")
        let r = try tables(m, threads: 2).result
        #expect(r.tiles.count == 8)
        #expect(r.failures.count == 1)
        let f = try #require(r.failures.first)
        #expect(f.stage == "read" && f.image == "broken.png" && f.line == 10 && f.slide == "A_pre_pdl1")
        #expect(f.error.contains("not a TIFF, PNG or JPEG"))
        #expect(r.slides.first { $0.slide == "A_pre_pdl1" }?.failedTiles == 1)
    }

    @Test func scatterGatherThroughPartFilesEqualsOneRun() throws {
        let s = try Scratch()
        let m = try writeCohort(s, patients: [("A", 20, 90), ("B", 80, 10)])
        let whole = try tables(m, threads: 2)
        let manifest = try Manifest.load(m, knownMarkers: markers)
        let engine = fakeEngine()
        var parts: [(path: String, part: SlidePart)] = []
        for slide in manifest.slides.reversed() {
            let part = try BatchRunner(engine: engine, stains: StainResolver(), options: BatchOptions(threads: 1))
                .run([slide], folder: manifest.folder)[0]
            let path = s.path("\(slide.id).json")
            try CohortAssembler.encode(part).write(to: URL(fileURLWithPath: path))
            parts.append((path, try CohortAssembler.readPart(path)))
        }
        var settings = CohortSettings(); settings.resamples = 200; settings.threads = 2
        let result = CohortAssembler.assemble(manifest: manifest, parts: try CohortAssembler.match(parts: parts, manifest: manifest),
                                              engine: engine, settings: settings)
        let text = Tables.tiles(result.tiles) + Tables.slides(result.slides) + Tables.changes(result.changes)
            + Tables.groups(result.calls, signalIDs: ClassifierConfig().signals.map(\.id)) + Tables.failures(result.failures)
        #expect(text == whole.text)
        // A manifest slide without a part is a failure of each of its tiles, not a silent gap.
        let partial = try CohortAssembler.match(parts: Array(parts.dropFirst()), manifest: manifest)
        let missing = try #require(partial.first { $0.slide == parts[0].part.slide })
        #expect(missing.tiles.isEmpty && missing.failures.count == 4 && missing.failures.allSatisfy { $0.stage == "gather" })
        // A model adds a probability to every patient with change scores.
        var withModel = settings
        withModel.model = LogisticModel(features: ["pdl1.tps.delta"], means: [0], scales: [10], intercept: 0, coefficients: [1],
                                        lambda: 1, threshold: 0.5, crossValidation: nil)
        let modelled = CohortAssembler.assemble(manifest: manifest, parts: try CohortAssembler.match(parts: parts, manifest: manifest),
                                                engine: engine, settings: withModel)
        #expect(modelled.calls.allSatisfy { $0.probability != nil })
        #expect((modelled.calls.first { $0.patient == "A" }?.probability ?? 0) > 0.9)
        #expect(modelled.provenance.settings["classifier_config"] == ClassifierConfig().json())
        // A part whose slide the manifest does not know is refused.
        var stray = parts[0].part; stray.slide = "Z"
        #expect(throws: PipelineError.self) { try CohortAssembler.match(parts: [("z.json", stray)], manifest: manifest) }
    }

    @Test func progressLinesNameEachSlide() throws {
        let lines = LinesSink()
        let p = ProgressReporter(mode: .lines, total: 2, label: "stainshift run", write: { lines.add($0) })
        p.tileDone(); p.slideDone("S1", tiles: 1, failed: 0)
        p.tileDone(); p.slideDone("S2", tiles: 0, failed: 1)
        #expect(lines.text.hasPrefix("stainshift run: slide S1: 1 tile (1/2 tiles, "))
        #expect(lines.text.contains("slide S2: 0 tiles, 1 failed (2/2 tiles"))
        #expect(ProgressReporter.counted(1, "patient") == "1 patient" && ProgressReporter.counted(2, "patient") == "2 patients")
        let bar = LinesSink()
        let b = ProgressReporter(mode: .bar, total: 1, label: "x", write: { bar.add($0) })
        b.tileDone()
        #expect(bar.text.contains("1/1 tiles") && bar.text.contains("ETA"))
    }
}

final class LinesSink: @unchecked Sendable {
    private let lock = NSLock(); private var s = ""
    func add(_ t: String) { lock.lock(); s += t; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return s }
}

@Suite struct StainSpecTests {
    @Test func manifestStainsArePresetsFilesOrTextAndABadOneFailsItsSlide() throws {
        let s = try Scratch()
        for name in ["a.png", "b.png", "c.png", "d.png"] {
            try ImageWriter.writePNG(RGBImage(width: 4, height: 4, filling: (30, 10, 10)), to: s.path(name))
        }
        _ = try s.write("stains.json", #"{"stains": [{"role": "hematoxylin", "r": 0.65, "g": 0.70, "b": 0.29}, {"role": "dab", "r": 0.27, "g": 0.57, "b": 0.78}]}"#)
        let m = try Manifest.load(try s.write("m.csv", """
            patient,timepoint,marker,image,stains
            P,pre,pdl1,a.png,qupath-h-dab
            P,post,pdl1,b.png,stains.json
            Q,pre,pdl1,c.png,"hematoxylin:0.65,0.70,0.29;dab:0.27,0.57,0.78"
            Q,post,pdl1,d.png,no-such-stain
            """ + "\n"), knownMarkers: markers)
        let parts = try BatchRunner(engine: fakeEngine(), stains: StainResolver(), options: BatchOptions(threads: 2))
            .run(m.slides, folder: m.folder)
        let sources = Dictionary(uniqueKeysWithValues: parts.map { ($0.slide, $0.stainsSource) })
        #expect(sources["P_pre_pdl1"] == "preset:qupath-h-dab")
        #expect(sources["P_post_pdl1"] == "file:stains.json")
        #expect(sources["Q_pre_pdl1"] == "text")
        let bad = try #require(parts.first { $0.slide == "Q_post_pdl1" })
        #expect(bad.tiles.isEmpty && bad.failures.count == 1 && bad.failures[0].stage == "stains" && bad.failures[0].line == 5)
        #expect(parts.filter { $0.slide != "Q_post_pdl1" }.allSatisfy { $0.tiles.count == 1 })
    }
}
