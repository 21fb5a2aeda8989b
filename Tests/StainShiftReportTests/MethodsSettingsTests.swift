import Foundation
import StainShiftCells
import StainShiftClassify
import StainShiftCohort
import StainShiftPipeline
import StainShiftReport
import StainShiftScoring
import Testing

/// The methods section states the detection settings, cell expansion and DAB thresholds the run
/// used, whatever the preset or marker file, on `run` and on `score-slide` + `cohort` alike.
@Suite(.serialized) struct MethodsSettingsTests {
    static func run(_ engine: ScoringEngine) throws -> (CohortResult, String) {
        let dir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifest = try ReportPipelineTests.cohort(in: dir)
        var settings = CohortSettings(); settings.resamples = 10
        let result = try CohortPipeline.run(manifestPath: manifest, outdir: dir + "/out", engine: engine,
                                            batch: BatchOptions(threads: 1), cohort: settings)
        return (result, try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8))
    }

    @Test func qupathPresetIsStatedWithNoCellExpansion() throws {
        let (result, html) = try Self.run(.standard(detection: .qupath03))
        let settings = result.provenance.settings
        #expect(settings[StatedSettings.detectionPreset] == "qupath-0.3")
        #expect(settings[StatedSettings.cellExpansion] == "0.0")
        #expect(settings[StatedSettings.detectionThreshold] == "0.2")
        #expect(settings[StatedSettings.odScale] == "1")
        #expect(html.contains("not expanded (cell expansion 0 \u{00B5}m"))
        #expect(html.contains("as QuPath 0.3 positive cell detection does"))
        #expect(html.contains("a fixed detection threshold of 0.20 OD"))
        #expect(html.contains("here the fixed factor 1.00 (the qupath-0.3 preset"))
        #expect(!html.contains("expanded into cells by up to"))
        #expect(!html.contains("up to 5 \u{00B5}m"))
    }

    @Test func defaultsAreStatedAsTheDefaults() throws {
        let (result, html) = try Self.run(.standard())
        #expect(result.provenance.settings[StatedSettings.cellExpansion] == "5.0")
        #expect(result.provenance.settings[StatedSettings.odScale] == "1")
        #expect(result.provenance.settings[StatedSettings.detectionThreshold] == "0.1")
        #expect(result.provenance.settings[StatedSettings.background] == "estimated")
        #expect(html.contains("expanded into cells by up to 5.0 \u{00B5}m"))
        #expect(html.contains("a fixed detection threshold of 0.10 OD (0.10 OD on hematoxylin)"))
        #expect(html.contains("on the optical density sum for nuclear markers"))
        #expect(html.contains("here the fixed factor 1.00 (the default: each nucleus"))
        #expect(html.contains("measured on each image"))
    }

    @Test func markerFileThresholdsAreTheOnesStated() throws {
        var pdl1 = try #require(Marker.builtin(named: "pdl1"))
        pdl1.thresholds = IntensityThresholds(weak: 0.3, moderate: 0.45, strong: 0.9)
        let markers = MarkerSet(Marker.builtins.map { $0.name == "pdl1" ? pdl1 : $0 })
        let (result, html) = try Self.run(.standard(markers: markers, detectionThreshold: 0.15, odScale: 1.5))
        let settings = result.provenance.settings
        #expect(settings[StatedSettings.thresholdsPrefix + "pdl1"] == "1+ 0.3, 2+ 0.45, 3+ 0.9 (membrane)")
        // Only the markers the cohort scored (pdl1 and hla1).
        #expect(settings.keys.filter { $0.hasPrefix(StatedSettings.thresholdsPrefix) }.sorted()
                == ["dab_thresholds_hla1", "dab_thresholds_pdl1"])
        #expect(html.contains("1+ 0.3, 2+ 0.45, 3+ 0.9 (membrane)"))
        #expect(html.contains("a fixed detection threshold of 0.15 OD"))
        #expect(html.contains("here the fixed factor 1.50 (set with --od-scale"))
    }

    @Test func cohortOfPartsStatesTheSettingsTheyWereScoredWith() throws {
        let dir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifestPath = try ReportPipelineTests.cohort(in: dir)
        let scoring = ScoringEngine.standard(detection: .qupath03)
        let manifest = try CohortPipeline.loadManifest(manifestPath, engine: scoring)
        var paths: [String] = []
        for (i, slide) in manifest.slides.enumerated() {
            let part = try CohortPipeline.scoreSlide(slide, manifest: manifest, engine: scoring, batch: BatchOptions(threads: 1))
            let path = dir + "/part\(i).json"
            try CohortAssembler.encode(part).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        // `stainshift cohort` builds a default engine: the parts' settings win.
        var settings = CohortSettings(); settings.resamples = 10
        let result = try CohortPipeline.gather(partPaths: paths, manifestPath: manifestPath, outdir: dir + "/out",
                                               engine: .standard(), cohort: settings)
        #expect(result.provenance.settings[StatedSettings.detectionPreset] == "qupath-0.3")
        #expect(result.provenance.settings[StatedSettings.cellExpansion] == "0.0")
        let html = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
        #expect(html.contains("not expanded (cell expansion 0 \u{00B5}m"))
    }
}
