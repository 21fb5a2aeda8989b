import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftImaging
import StainShiftReport
import StainShiftScoring

/// Settings of the gather half (parts + manifest → tables).
public struct CohortSettings: Sendable {
    public var resamples: Int = Bootstrap.defaultResamples
    public var seed: UInt64 = Bootstrap.defaultSeed
    public var threads: Int = 1
    public var config = ClassifierConfig()
    public var model: LogisticModel?
    /// Recorded in the provenance (e.g. the default stains).
    public var settings: [String: String] = [:]
    /// How report.html is written (title, templates, ...); display only, never recorded.
    public var report = ReportOptions()
    public init() {}
}

/// The gather half of a run: combines slide parts with the manifest into a `CohortResult`.
/// `stainshift run` and `stainshift cohort` both end here, so their tables are identical.
public enum CohortAssembler {
    public static func assemble(manifest: Manifest, parts: [SlidePart], engine: ScoringEngine,
                                settings: CohortSettings, date: Date = Date()) -> CohortResult {
        let tiles = parts.flatMap(\.tiles)
        let slides = CohortAnalysis.slides(parts, scores: engine.scores)
        let changes = CohortAnalysis.changes(parts, resamples: settings.resamples, seed: settings.seed,
                                             threads: settings.threads, scores: engine.scores)
        var calls = PatientCaller(config: settings.config).calls(patients: manifest.patients, slides: slides,
                                                                 changes: changes, outcomes: manifest.outcomes)
        if let model = settings.model { ModelTrainer.apply(model, changes: changes, to: &calls) }
        var provenanceSettings = settings.settings
        provenanceSettings.merge(scoringSettings(parts, engine: engine)) { _, scored in scored }
        provenanceSettings["bootstrap"] = String(settings.resamples)
        provenanceSettings["seed"] = String(settings.seed)
        provenanceSettings["pdl1_min_delta"] = String(settings.config.pdl1.minDelta)
        provenanceSettings["min_tumour_cells"] = String(settings.config.pdl1.minTumourCells)
        provenanceSettings["stain_drift_threshold_deg"] = String(settings.config.stainDriftDegrees)
        provenanceSettings["classifier_config"] = settings.config.json()
        if let model = settings.model {
            provenanceSettings["model_features"] = String(model.features.count)
            provenanceSettings["model_threshold"] = String(model.threshold)
            if let cv = model.crossValidation {
                provenanceSettings["model_cv_auc"] = String(format: "%.3f ± %.3f (%d folds)", cv.aucMean, cv.aucSD, cv.folds)
            }
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let provenance = Provenance(version: StainShiftVersion.current, date: formatter.string(from: date),
                                    manifest: manifest.path, settings: provenanceSettings,
                                    libraries: LibraryVersions.dictionary)
        return CohortResult(tiles: tiles, slides: slides, changes: changes, calls: calls,
                            failures: manifest.failures + parts.flatMap(\.failures), provenance: provenance)
    }

    /// The detection and scoring settings the parts were scored with (`ScoringEngine.settings`):
    /// those the parts recorded, else the engine's (parts written before parts recorded them). A
    /// setting whose value differs between parts lists every value; DAB thresholds only for the
    /// markers scored.
    static func scoringSettings(_ parts: [SlidePart], engine: ScoringEngine) -> [String: String] {
        let recorded = parts.compactMap(\.settings)
        let all = recorded.isEmpty ? [engine.settings] : recorded
        let markers = Set(parts.map(\.marker))
        var values: [String: [String]] = [:]
        for settings in all {
            for (key, value) in settings where !(values[key]?.contains(value) ?? false) { values[key, default: []].append(value) }
        }
        var out: [String: String] = [:]
        for (key, list) in values {
            let prefix = StatedSettings.thresholdsPrefix
            if key.hasPrefix(prefix), !markers.contains(String(key.dropFirst(prefix.count))) { continue }
            out[key] = list.count == 1 ? list[0] : "mixed: " + list.sorted().joined(separator: " | ")
        }
        return out
    }

    /// Parts for `manifest`'s slides: given parts are matched by slide id; a slide without a part
    /// becomes a failure of each of its tiles; a part for an unknown slide is an error.
    public static func match(parts: [(path: String, part: SlidePart)], manifest: Manifest) throws(PipelineError) -> [SlidePart] {
        let slides = manifest.slides
        var byID: [String: SlidePart] = [:]
        for (path, part) in parts {
            guard let slide = slides.first(where: { $0.id == part.slide }) else {
                throw PipelineError(path: path, reason: "slide '\(part.slide)' is not in the manifest \(manifest.path)")
            }
            guard slide.patient == part.patient, slide.timepoint == part.timepoint, slide.marker == part.marker else {
                throw PipelineError(path: path, reason: "slide '\(part.slide)' is \(part.patient)/\(part.timepoint.rawValue)/\(part.marker) but the manifest says \(slide.patient)/\(slide.timepoint.rawValue)/\(slide.marker)")
            }
            guard byID[part.slide] == nil else { throw PipelineError(path: path, reason: "a second part for slide '\(part.slide)'") }
            byID[part.slide] = part
        }
        return slides.map { slide in
            if let part = byID[slide.id] { return part }
            let failures = slide.rows.map {
                var f = FailureRecord(line: $0.line, image: $0.image, stage: "gather", error: "no part file for slide '\(slide.id)'")
                f.slide = slide.id
                return f
            }
            return SlidePart(version: StainShiftVersion.current, slide: slide.id, patient: slide.patient, timepoint: slide.timepoint,
                             marker: slide.marker, stains: "", stainsSource: "", stainVectors: [], tiles: [], failures: failures)
        }
    }

    /// Reads a part written by `stainshift score-slide`.
    public static func readPart(_ path: String) throws(PipelineError) -> SlidePart {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        let part: SlidePart
        do { part = try JSONDecoder().decode(SlidePart.self, from: data) } catch {
            throw PipelineError(path: path, reason: "not a slide part (JSON from stainshift score-slide): \(error)")
        }
        guard part.format == SlidePart.formatName else {
            throw PipelineError(path: path, reason: "unknown part format '\(part.format)' (expected \(SlidePart.formatName))")
        }
        return part
    }

    /// The part as JSON (sorted keys; doubles round-trip exactly).
    public static func encode(_ part: SlidePart) throws(PipelineError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return try encoder.encode(part) } catch {
            throw PipelineError(path: part.slide, reason: "cannot encode the slide part: \(error)")
        }
    }
}
