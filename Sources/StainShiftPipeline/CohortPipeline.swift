import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftReport

/// `stainshift run` as two composable halves, so workflow engines can scatter the first:
/// (a) score one slide's tiles into a `SlidePart` (`score-slide`), (b) combine parts with the
/// manifest into the tables and report (`cohort`). `run` does (a) for every slide, then (b).
public enum CohortPipeline {
    /// Reads and validates the manifest; an unusable manifest is a usage error.
    public static func loadManifest(_ path: String, engine: ScoringEngine) throws(PipelineError) -> Manifest {
        do { return try Manifest.load(path, knownMarkers: engine.knownMarkers) } catch {
            throw PipelineError(.usage, path: error.path, reason: error.reason)
        }
    }

    /// The whole run: scores every slide, writes tables, overlays and report into `outdir`.
    public static func run(manifestPath: String, outdir: String, engine: ScoringEngine, batch: BatchOptions,
                           cohort: CohortSettings) throws(PipelineError) -> CohortResult {
        let manifest = try loadManifest(manifestPath, engine: engine)
        var batch = batch
        if batch.cacheDirectory == nil { batch.cacheDirectory = URL(fileURLWithPath: outdir).appendingPathComponent("cache").path }
        if batch.mapsDirectory == nil { batch.mapsDirectory = URL(fileURLWithPath: outdir).appendingPathComponent(SlideMaps.folderName).path }
        let parts = try BatchRunner(engine: engine, stains: StainResolver(), options: batch).run(manifest.slides, folder: manifest.folder)
        return try write(manifest: manifest, parts: parts, engine: engine, cohort: cohort, outdir: outdir)
    }

    /// Picks a slide by id, or by patient, timepoint and marker.
    public static func slide(in manifest: Manifest, id: String?, patient: String?, timepoint: String?,
                             marker: String?) throws(PipelineError) -> ManifestSlide {
        let slides = manifest.slides
        if let id {
            guard let s = slides.first(where: { $0.id == id }) else {
                let known = slides.prefix(5).map(\.id).joined(separator: ", ")
                throw PipelineError(.usage, path: manifest.path, reason: "no usable rows for slide '\(id)' (slides: \(known)\(slides.count > 5 ? ", ..." : ""))")
            }
            return s
        }
        guard let patient, let timepoint, let marker else {
            throw PipelineError(.usage, path: manifest.path, reason: "give --slide, or --patient, --timepoint and --marker")
        }
        let matching = slides.filter { $0.patient == patient && $0.timepoint.rawValue == timepoint.lowercased() && $0.marker == marker.lowercased() }
        guard matching.count == 1, let s = matching.first else {
            throw PipelineError(.usage, path: manifest.path, reason: matching.isEmpty
                ? "no usable rows for patient '\(patient)', timepoint '\(timepoint)', marker '\(marker)'"
                : "patient '\(patient)', timepoint '\(timepoint)', marker '\(marker)' has \(matching.count) slides; give --slide")
        }
        return s
    }

    /// Half (a): one slide's part.
    public static func scoreSlide(_ slide: ManifestSlide, manifest: Manifest, engine: ScoringEngine,
                                  batch: BatchOptions) throws(PipelineError) -> SlidePart {
        let parts = try BatchRunner(engine: engine, stains: StainResolver(), options: batch)
            .run([slide], folder: manifest.folder, label: "stainshift score-slide")
        guard let part = parts.first else { throw PipelineError(path: slide.id, reason: "no part was produced") }
        return part
    }

    /// Half (b): parts (files from `score-slide`) + manifest → tables, overlays and report.
    public static func gather(partPaths: [String], manifestPath: String, outdir: String, engine: ScoringEngine,
                              cohort: CohortSettings) throws(PipelineError) -> CohortResult {
        let manifest = try loadManifest(manifestPath, engine: engine)
        var loaded: [(path: String, part: SlidePart)] = []
        for path in partPaths { loaded.append((path, try CohortAssembler.readPart(path))) }
        let parts = try CohortAssembler.match(parts: loaded, manifest: manifest)
        return try write(manifest: manifest, parts: parts, engine: engine, cohort: cohort, outdir: outdir)
    }

    static func write(manifest: Manifest, parts: [SlidePart], engine: ScoringEngine, cohort: CohortSettings,
                      outdir: String) throws(PipelineError) -> CohortResult {
        var cohort = cohort
        cohort.settings["pdl1_delta_points"] = String(cohort.config.pdl1.minDelta)
        let assembled = CohortAssembler.assemble(manifest: manifest, parts: parts, engine: engine, settings: cohort)
        let result = try RunOutputs.write(assembled, parts: parts, manifest: manifest, engine: engine, config: cohort.config,
                                          threads: cohort.threads, to: outdir)
        do { try ReportWriter.write(result, to: outdir, options: cohort.report) } catch {
            throw PipelineError(path: outdir, reason: "cannot write the report: \(error)")
        }
        return result
    }
}
