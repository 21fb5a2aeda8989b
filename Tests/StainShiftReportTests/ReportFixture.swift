import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftScoring
import StainShiftTissue

/// A hand-made cohort covering what the report must show: four markers, every PD-L1 group,
/// an unpaired patient, a patient id full of markup characters, QC flags, stain drift,
/// estimated stain matrices and failed inputs.
enum ReportFixture {
    static let markers = ["pdl1", "hla1", "crt", "hmgb1"]
    static let awkward = "P<7> & \"Q's\""

    /// (patient, PD-L1 TPS pre, post, benefit, rule)
    static let paired: [(String, Double, Double, PDL1Group, Benefit)] = [
        ("P1", 5, 32.5, .increase, .likely),
        ("P2", 40, 12.25, .decrease, .unlikely),
        ("P10", 20, 23, .noChange, .possible),
        (awkward, 0.5, 61, .increase, .likely),
        ("P5", 70, 69.99996, .noChange, .indeterminate),
    ]

    static func totals(tumour: Int, positive: Int) -> TileTotals {
        var t = TileTotals()
        t.tiles = 1
        t.imagePixels = 512 * 512
        t.tissuePixels = 200_000
        let weak = positive / 2, moderate = positive / 3
        t.tumour = BinCounts(negative: tumour - positive, weak: weak, moderate: moderate, strong: positive - weak - moderate)
        t.lymphocytes = BinCounts(negative: 40, weak: 3)
        t.primaryDABSum = Double(tumour) * 0.21
        t.pixels = BinCounts(negative: 150_000, weak: 30_000, moderate: 15_000, strong: 5_000)
        t.pixelDABSum = 41_234.5
        return t
    }

    static func scores(_ marker: String, level: Double) -> [MarkerScore] {
        switch marker {
        case "pdl1": [MarkerScore(name: "tps", value: level), MarkerScore(name: "hscore", value: level * 1.7)]
        case "hla1": [MarkerScore(name: "hscore", value: 80 + level), MarkerScore(name: "percent_positive", value: 30 + level / 2)]
        case "hmgb1": [MarkerScore(name: "hscore", value: 150 - level), MarkerScore(name: "percent_positive", value: 60 - level / 3)]
        default: [MarkerScore(name: "hscore", value: 100 + level / 2)]
        }
    }

    static func cohort() -> CohortResult {
        var tiles: [TileRecord] = []
        var slides: [SlideRecord] = []
        var changes: [ChangeRecord] = []
        var calls: [PatientCall] = []
        let preset = "h-dab: H 0.650 0.704 0.286; DAB 0.268 0.570 0.776; R 0.711 0.424 0.562"
        for (index, (patient, pre, post, group, benefit)) in paired.enumerated() {
            for marker in markers {
                for timepoint in Timepoint.allCases {
                    let level = timepoint == .pre ? pre : post
                    let slide = "\(patient)-\(marker)-\(timepoint.rawValue)"
                    var slideTotals = TileTotals()
                    var flags: [String] = []
                    for k in 0..<2 {
                        var qc: [QCFlag] = []
                        if patient == "P2", marker == "pdl1", timepoint == .post, k == 1 { qc = [.outOfFocus] }
                        if patient == "P5", marker == "crt", timepoint == .pre { qc = [.tooFewCells] }
                        let t = totals(tumour: 300 + 10 * k, positive: Int(level * 3))
                        slideTotals += t
                        flags.append(contentsOf: qc.map(\.rawValue))
                        let image = "tiles/\(slide)-\(k).tiff"
                        tiles.append(TileRecord(patient: patient, timepoint: timepoint, marker: marker, slide: slide,
                                                image: image, sha256: String(repeating: String(format: "%x", (index + k) % 16), count: 64),
                                                score: TileScore(image: image, marker: marker, totals: t, qcFlags: qc,
                                                                 pixelSizeMicrons: 0.5)))
                    }
                    let estimated = patient == "P1" && timepoint == .post
                    var record = SlideRecord(patient: patient, timepoint: timepoint, marker: marker, slide: slide,
                                             tileCount: 2, totals: slideTotals, scores: scores(marker, level: level),
                                             qcFlags: Array(Set(flags)).sorted(),
                                             stains: estimated ? "estimated: H 0.612 0.731 0.302; DAB 0.281 0.577 0.767; R 0.738 0.362 0.569" : preset,
                                             stainsSource: estimated ? "auto" : "preset:h-dab")
                    if patient == "P1" { record.stainDriftDegrees = 7.254 }
                    if patient == "P2", marker == "pdl1", timepoint == .post { record.failedTiles = 1 }
                    if patient == "P2" { record.odScale = timepoint == .pre ? 0.913 : 1.874 }
                    slides.append(record)
                }
                let preScores = scores(marker, level: pre), postScores = scores(marker, level: post)
                for (a, b) in zip(preScores, postScores) {
                    let d = b.value - a.value
                    changes.append(ChangeRecord(patient: patient, marker: marker, metric: a.name, pre: a.value, post: b.value,
                                                ciLow: d - 4.125 - Double(index), ciHigh: d + 3.5 + Double(index)))
                }
            }
            var call = PatientCall(patient: patient, pdl1Group: group, tpsPre: pre, tpsPost: post,
                                   tpsCategoryPre: category(pre), tpsCategoryPost: category(post), benefit: benefit,
                                   rule: group == .increase ? "brake_and_accelerator" : "no_brake",
                                   rationale: "TPS moved from \(pre) to \(post) points; the 95% interval \(group == .noChange ? "includes" : "excludes") zero.",
                                   probability: index == 0 ? 0.815 : nil,
                                   flags: patient == "P1" ? ["stain_drift"] : [])
            call.tpsDelta = post - pre
            call.signals = [SignalState(id: "crt_membrane_gain", state: index == 0 ? .gained : .notGained, delta: 12.5),
                            SignalState(id: "hmgb1_translocation_gain", state: .unmeasured, delta: nil),
                            SignalState(id: "hla1_gain", state: .notGained, delta: 3.25)]
            if patient == "P1" { call.stainDriftDegrees = 7.254; call.outcome = 1 }
            calls.append(call)
        }
        // P4: only pre-RT slides, so no pair and no change.
        for marker in markers {
            let slide = "P4-\(marker)-pre"
            let t = totals(tumour: 35, positive: 4)
            let image = "tiles/\(slide)-0.tiff"
            tiles.append(TileRecord(patient: "P4", timepoint: .pre, marker: marker, slide: slide, image: image,
                                    sha256: String(repeating: "e", count: 64),
                                    score: TileScore(image: image, marker: marker, totals: t, qcFlags: [.tooFewCells, .lowTissue],
                                                     pixelSizeMicrons: 0.5)))
            slides.append(SlideRecord(patient: "P4", timepoint: .pre, marker: marker, slide: slide, tileCount: 1, totals: t,
                                      scores: scores(marker, level: 11), qcFlags: ["low_tissue", "too_few_cells"],
                                      stains: preset, stainsSource: "preset:h-dab"))
        }
        // The runner keeps a slide whose every tile failed, with no tiles and the scores of empty totals.
        var empty = SlideRecord(patient: "P4", timepoint: .post, marker: "pdl1", slide: "P4-pdl1-post", tileCount: 0,
                                totals: TileTotals(), scores: [MarkerScore(name: "tps", value: 0), MarkerScore(name: "hscore", value: 0)],
                                qcFlags: ["few_tumour_cells", "no_tiles"], stains: preset, stainsSource: "preset:h-dab")
        empty.failedTiles = 1
        slides.append(empty)
        calls.append(PatientCall(patient: "P4", pdl1Group: .insufficient, tpsPre: nil, tpsPost: nil, tpsCategoryPre: "1-49%",
                                 tpsCategoryPost: nil, benefit: .indeterminate, rule: "pdl1_unmeasurable",
                                 rationale: "No post-RT PD-L1 slide: every post tile failed to read.", probability: nil,
                                 flags: ["low_cell_count"]))
        var failures = [
            FailureRecord(line: 42, image: "tiles/P4-pdl1-post-0.tiff", stage: "read", error: "tiles/P4-pdl1-post-0.tiff: not a TIFF file"),
            FailureRecord(line: 43, image: "tiles/P4-hla1-post-0.tiff", stage: "score", error: "no tissue <found> & nothing scored"),
            FailureRecord(line: nil, image: "manifest.csv", stage: "manifest", error: "line 50: timepoint 'mid' is not pre or post"),
        ]
        failures[0].slide = "P4-pdl1-post"
        let provenance = Provenance(version: "0.1.0", date: "2026-11-27T05:00:00Z", manifest: "cohort/manifest.csv",
                                    settings: ["stains": "h-dab", "pdl1.thresholds": "0.10 0.25 0.45", "bootstrap": "2000",
                                               "seed": "42", "pixel_size_um": "0.5", "camelCaseKey": "kept as is",
                                               "pdl1_delta_points": "10", "classifier_config": ClassifierConfig().json()])
        return CohortResult(tiles: tiles, slides: slides, changes: changes, calls: calls, failures: failures,
                            provenance: provenance)
    }

    static func category(_ tps: Double) -> String { tps < 1 ? "<1%" : tps < 50 ? "1-49%" : ">=50%" }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("stainshift-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
