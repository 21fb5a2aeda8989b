import Foundation
import Testing
import StainShiftCells
import StainShiftImaging
import StainShiftStains
@testable import StainShiftPipeline
import StainShiftScoring
import StainShiftSynth

/// Test-only classifier: a cell whose nucleus is larger than `stromaAboveMicrons2` is stroma.
private struct LargeIsStroma: CellClassifying {
    var stromaAboveMicrons2: Double
    var classNames: [String] { ["Tumor", "Stroma"] }
    var roles: [CellClass] { [.tumour, .stroma] }
    func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        segmentation.cells.map { Double($0.nucleusAreaPixels) * pixelSizeMicrons * pixelSizeMicrons > stromaAboveMicrons2 ? 1 : 0 }
    }
}

/// A cell classifier handed to the pipeline (`ScoringEngine.standard`, `TiledScorer`) classes the
/// cells of every tile, enters the resume-cache key, and tiles still sum to the whole image.
@Suite(.serialized) struct CellClassifierWiringTests {
    static let image: RGBImage = {
        var spec = TileSpec(marker: .pdl1, width: 512, height: 512, positiveFraction: 0.4)
        spec.tissueFraction = 0.8
        return SyntheticTile.generate(spec, seed: 16).image
    }()

    @Test func theEngineScoresWithTheClassifierAndKeysTheCacheOnIt() throws {
        let plain = ScoringEngine.standard()
        let classed = ScoringEngine.standard(cellClassifier: LargeIsStroma(stromaAboveMicrons2: 60), cellClassifierKey: "model.json (sha256 ab)")
        let job = ScoringEngine.Job(image: Self.image, name: "t", marker: "pdl1", stains: StainPresets.hDAB, pixelSize: 0.5, threads: 2)
        let a = try plain.score(job), b = try classed.score(job)
        let stroma = try #require(b.totals.classes["Stroma"]).bins.total
        #expect(stroma > 0)
        #expect(a.totals.classes["Stroma"] == nil)
        // Stroma leaves the tumour cells; the cells the rule called tumour are split between the two.
        #expect(b.totals.tumour.total + stroma + b.totals.lymphocytes.total == a.totals.tumour.total + a.totals.lymphocytes.total)
        #expect(classed.parameters("pdl1").contains("cell_classifier=model.json (sha256 ab)"))
        #expect(!plain.parameters("pdl1").contains("cell_classifier"))
        #expect(classed.settings[StatedSettings.cellClassifier] == "model.json (sha256 ab)")
        #expect(plain.settings[StatedSettings.cellClassifier] == "morphology")
    }

    @Test func tiledClassCountsSumToTheWholeImage() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("classes-tiled-\(getpid()).tiff").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ImageWriter.writeTIFF(Self.image, to: path)
        var settings = ScoringSettings()
        settings.pixelSizeMicrons = 0.5
        settings.threads = 2
        settings.cellClassifier = LargeIsStroma(stromaAboveMicrons2: 60)
        let tiled = try TiledScorer(marker: .pdl1, settings: settings, tileSize: 256).score(path, name: "t")
        let sum = tiled.tileTotals.reduce(TileTotals(), +)
        #expect(sum == tiled.score.totals)
        #expect(sum.classes["Stroma"].map { $0.bins.total > 0 } == true)
        #expect(sum.classes.values.reduce(0) { $0 + $1.bins.total } == sum.tumour.total + sum.lymphocytes.total + sum.cells(ofRole: .stroma).total)
    }

    @Test func theLoaderRefusesAMalformedModelAndLoadsTheShippedOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PipelineError.self) { _ = try loadCellClassifier(path: path) }
        do { _ = try loadCellClassifier(path: path) } catch {
            #expect(error.kind == .usage && error.path == path, "\(error)")
        }
        do { _ = try loadCellClassifier(path: path + ".missing") } catch {
            #expect(error.path == path + ".missing" && error.reason.contains("cannot read"))
        }
        let shipped = try loadCellClassifier(path: shippedCellClassifierName)
        #expect(shipped.roles.contains(.tumour) && shipped.roles.contains(.stroma) && shipped.roles.contains(.lymphocyte))
    }
}
