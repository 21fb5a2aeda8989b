import Foundation
import Testing
import StainShiftCells
import StainShiftPipeline
import StainShiftScoring

/// The scoring commands' detection options (`--preset`, `--detection-threshold`, `--od-scale`,
/// `--cell-classifier`) become the same settings for one tile and for a batch engine.
@Suite struct DetectionOptionsTests {
    @Test func odScaleArgumentsAndTheirText() {
        #expect(ODScaleChoice(argument: "auto") == .automatic)
        #expect(ODScaleChoice(argument: "1.25") == .fixed(1.25))
        for bad in ["0", "-1", "nan", "inf", "", "x"] { #expect(ODScaleChoice(argument: bad) == nil, "\(bad)") }
        #expect(ODScaleChoice.fixed(1).text == "1" && ODScaleChoice.fixed(1.25).text == "1.25")
        #expect(ODScaleChoice.automatic.text == "auto" && ODScaleChoice.automatic.factor == nil)
    }

    @Test func problemsNameTheOption() {
        #expect(DetectionOptions().problem == nil)
        #expect(DetectionOptions(threshold: 0).problem == "--detection-threshold must be a positive OD")
        #expect(DetectionOptions(threshold: .nan).problem == "--detection-threshold must be a positive OD")
        #expect(DetectionOptions(cellClassifier: "").problem == "--cell-classifier needs a model file")
        #expect(DetectionOptions(preset: .qupath03, threshold: 0.2, odScale: .automatic, cellClassifier: "m.json").problem == nil)
    }

    @Test func oneTileAndABatchGetTheSameDetection() throws {
        let options = DetectionOptions(preset: .distanceWatershed, threshold: 0.15, odScale: .fixed(1.5))
        var setup = ScoringSetup(marker: "pdl1")
        options.apply(to: &setup)
        let (_, settings) = try setup.resolve()
        #expect(settings.detection == .distanceWatershed && settings.detectionThreshold == 0.15 && settings.odScale == 1.5)
        var withoutModel = settings
        try options.applyClassifier(to: &withoutModel)
        #expect(withoutModel.cellClassifier == nil)

        let engine = try options.engine()
        #expect(engine.settings[StatedSettings.detectionPreset] == DetectionPreset.distanceWatershed.rawValue)
        #expect(engine.settings[StatedSettings.detectionThreshold] == "0.15")
        #expect(engine.settings[StatedSettings.odScale] == "1.5")
        #expect(engine.settings[StatedSettings.cellClassifier] == "morphology")
        let automatic = try DetectionOptions(odScale: .automatic).engine()
        #expect(automatic.settings[StatedSettings.odScale] == "auto")
    }

    @Test func aModelThatCannotBeLoadedIsAUsageErrorNamingIt() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-model-\(getpid()).json").path
        let options = DetectionOptions(cellClassifier: missing)
        do { _ = try options.engine(); Issue.record("a missing model loaded") } catch {
            #expect(error.kind == .usage && error.path == missing, "\(error)")
        }
        var settings = ScoringSettings()
        do { try options.applyClassifier(to: &settings); Issue.record("a missing model loaded") } catch {
            #expect(error.kind == .usage && error.path == missing, "\(error)")
        }
        var shipped = ScoringSettings()
        try DetectionOptions(cellClassifier: shippedCellClassifierName).applyClassifier(to: &shipped)
        #expect(shipped.cellClassifier != nil && shipped.cellClassifierName?.hasPrefix("default") == true)
    }
}
