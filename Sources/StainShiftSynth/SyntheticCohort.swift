import StainShiftFoundation
import Foundation
import StainShiftImaging
import StainShiftScoring
import StainShiftStains

/// What a synthetic cohort holds: patients with pre/post slides of several tiles per marker.
public struct CohortSpec: Sendable, Equatable {
    public var patients: Int = 6
    public var tilesPerSlide: Int = 2
    public var tileSize: Int = 512
    /// Markers stained on every patient (PD-L1 first; it drives the groups).
    public var markers: [String] = ["pdl1"]
    public var pixelSizeMicrons: Double = 0.5
    /// Slide-level stain-vector rotation (degrees, sd): pre and post slides are stained and scanned apart.
    public var slideStainJitterDegrees: Double = 2.0
    /// Smallest true PD-L1 TPS change (points) of the `increase` and `decrease` patients.
    public var minimumChange: Double = 15
    /// Write an `outcome` column (1 responder, 0 not) for training a benefit model.
    public var outcome: Bool = true
    /// Per-tile template (noise, blur, tissue fraction, ...); marker and fractions are set per slide.
    public var tile: TileSpec = TileSpec()

    public init() {}

    public init(patients: Int, tilesPerSlide: Int, tileSize: Int, markers: [String] = ["pdl1"]) {
        self.patients = patients; self.tilesPerSlide = tilesPerSlide; self.tileSize = tileSize; self.markers = markers
    }
}

/// One row of `truth.tsv`: a patient's true percent positive (TPS for PD-L1) before and after.
public struct PatientTruth: Sendable, Equatable {
    public var patient: String
    public var marker: String
    public var prePercentPositive: Double
    public var postPercentPositive: Double
    public var preHScore: Double
    public var postHScore: Double
    /// Expected `pdl1_group` of the patient: `increase`, `decrease` or `no_change`.
    public var pdl1Group: String
    /// 1 responder, 0 non-responder (synthetic; nil when the spec has no outcome).
    public var outcome: Int?
    public var delta: Double { postPercentPositive - prePercentPositive }
}

/// One row of `manifest.tsv` plus the exact truth of that tile.
public struct TileTruthRow: Sendable, Equatable {
    public var patient: String
    public var timepoint: String
    public var marker: String
    public var slide: String
    /// Path relative to the cohort folder.
    public var image: String
    public var totals: TileTotals
}

/// Whole synthetic cohorts on disk: PNG tiles, `manifest.tsv`, `truth.tsv`, `truth_tiles.tsv`.
///
/// Patients cycle through PD-L1 `increase`, `decrease` and `no_change` (changes of at least
/// `minimumChange` points, or at most 3); other markers move at random. True values are counted
/// from the painted cells of every tile of the slide, so they are exact, not nominal.
public enum SyntheticCohort {
    public static let groups = ["increase", "decrease", "no_change"]

    /// Plans and writes the cohort; returns the patient truth rows (also written to `truth.tsv`).
    @discardableResult
    public static func write(to dir: String, spec: CohortSpec, seed: UInt64, threads: Int? = nil) throws(FileError) -> [PatientTruth] {
        var markers: [Marker] = []
        for name in spec.markers {
            guard let m = Marker.builtin(named: name) else {
                throw FileError(path: dir, reason: "unknown marker '\(name)' for the synthetic cohort")
            }
            markers.append(m)
        }
        do {
            try FileManager.default.createDirectory(atPath: dir + "/tiles", withIntermediateDirectories: true)
        } catch {
            throw FileError(path: dir, reason: "cannot create the cohort folder: \(error.localizedDescription)")
        }
        let plan = plan(spec, markers: markers, seed: seed)
        var rows = [TileTruthRow?](repeating: nil, count: plan.tiles.count)
        var failure: FileError? = nil
        let lock = NSLock()
        rows.withUnsafeMutableBufferPointer { out in
            Workers.forEach(plan.tiles.count, threads: threads) { i in
                let job = plan.tiles[i]
                let (image, truth) = SyntheticTile.generate(job.spec, seed: job.seed)
                do throws(FileError) {
                    try ImageWriter.writePNG(image, to: dir + "/" + job.row.image)
                } catch {
                    lock.lock(); if failure == nil { failure = error }; lock.unlock()
                }
                var row = job.row
                row.totals = truth.totals(for: job.spec.marker)
                out[i] = row
            }
        }
        if let failure { throw failure }
        let tiles = rows.compactMap { $0 }
        let truth = patientTruth(plan: plan, tiles: tiles, markers: markers, spec: spec)
        try AtomicFile.write(manifestTSV(tiles), to: dir + "/manifest.tsv")
        try AtomicFile.write(truthTSV(truth, outcome: spec.outcome), to: dir + "/truth.tsv")
        try AtomicFile.write(tileTruthTSV(tiles, markers: markers), to: dir + "/truth_tiles.tsv")
        return truth
    }

    struct Job { var spec: TileSpec; var seed: UInt64; var row: TileTruthRow }
    struct Plan { var tiles: [Job]; var groups: [String]; var outcomes: [Int] }

    static func patientID(_ p: Int, of n: Int) -> String {
        let digits = max(2, String(n).count)
        let s = String(p + 1)
        return "P" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// Targets per patient and marker, slide stains, and a seed per tile.
    static func plan(_ spec: CohortSpec, markers: [Marker], seed: UInt64) -> Plan {
        var rng = SplitMix64(seed: seed, stream: 11)
        var jobs: [Job] = []
        var groups: [String] = [], outcomes: [Int] = []
        let n = max(0, spec.patients), k = max(1, spec.tilesPerSlide)
        for p in 0..<n {
            let id = patientID(p, of: n)
            let group = groups_(p)
            groups.append(group)
            let change = spec.minimumChange
            let (pre, post): (Double, Double)
            switch group {
            case "increase":
                let a = rng.uniform(2, 35); (pre, post) = (a, min(92, a + rng.uniform(change, change + 25)))
            case "decrease":
                let a = rng.uniform(change + 25, 85); (pre, post) = (a, max(0.5, a - rng.uniform(change, change + 25)))
            default:
                let a = rng.uniform(3, 80); (pre, post) = (a, max(0, a + rng.uniform(-2, 2)))
            }
            let respond: Double = group == "increase" ? 0.75 : group == "decrease" ? 0.2 : (post >= 50 ? 0.6 : 0.3)
            outcomes.append(rng.chance(respond) ? 1 : 0)
            let lymphPre = rng.uniform(0.08, 0.2)
            let lymphPost = min(0.35, lymphPre + (group == "increase" ? rng.uniform(0.05, 0.12) : rng.uniform(-0.03, 0.05)))
            for (mi, marker) in markers.enumerated() {
                let other = rng.uniform(10, 85)
                let otherPost = min(95, max(2, other + rng.uniform(-30, 30)))
                let secondary = (rng.uniform(5, 40), rng.uniform(5, 60))
                for (ti, timepoint) in ["pre", "post"].enumerated() {
                    let slide = "\(id)-\(timepoint)-\(marker.name)"
                    // Each slide gets its own stain vectors: the pre/post stain shift the scorer must survive.
                    let stains = jitter(spec.tile.stains, degrees: spec.slideStainJitterDegrees, &rng)
                    let percent = marker.name == "pdl1" ? (ti == 0 ? pre : post) : (ti == 0 ? other : otherPost)
                    for t in 0..<k {
                        var s = spec.tile
                        s.width = spec.tileSize; s.height = spec.tileSize
                        s.pixelSizeMicrons = spec.pixelSizeMicrons
                        s.marker = marker
                        s.stains = stains
                        s.positiveFraction = percent / 100
                        s.secondaryPositiveFraction = (ti == 0 ? secondary.0 : secondary.1) / 100
                        s.lymphocyteFraction = ti == 0 ? lymphPre : lymphPost
                        s.tissueFraction = min(0.95, max(0.4, spec.tile.tissueFraction + rng.uniform(-0.15, 0.15)))
                        let tileSeed = SplitMix64(seed: seed, stream: UInt64(((p * 16 + mi) * 2 + ti) * 1024 + t) + 100).state
                        let image = "tiles/\(id)_\(timepoint)_\(marker.name)_\(t + 1).png"
                        jobs.append(Job(spec: s, seed: tileSeed,
                                        row: TileTruthRow(patient: id, timepoint: timepoint, marker: marker.name,
                                                          slide: slide, image: image, totals: TileTotals())))
                    }
                }
            }
        }
        return Plan(tiles: jobs, groups: groups, outcomes: outcomes)
    }

    static func groups_(_ p: Int) -> String { groups[p % groups.count] }

    static func jitter(_ m: StainMatrix, degrees: Double, _ r: inout SplitMix64) -> StainMatrix {
        let sd = sin(degrees * .pi / 180)
        func j(_ v: StainVector) -> StainVector {
            let c = [v.r + sd * r.normal(), v.g + sd * r.normal(), v.b + sd * r.normal()].map { max(0.01, $0) }
            return (try? StainVector(role: v.role, r: c[0], g: c[1], b: c[2])) ?? v
        }
        return (try? StainMatrix(j(m.stains[0]), j(m.stains[1]))) ?? m
    }

    static func patientTruth(plan: Plan, tiles: [TileTruthRow], markers: [Marker], spec: CohortSpec) -> [PatientTruth] {
        var out: [PatientTruth] = []
        let n = max(0, spec.patients)
        for p in 0..<n {
            let id = patientID(p, of: n)
            for marker in markers {
                func slide(_ tp: String) -> TileTotals {
                    tiles.filter { $0.patient == id && $0.marker == marker.name && $0.timepoint == tp }
                        .reduce(TileTotals()) { $0 + $1.totals }
                }
                let pre = slide("pre"), post = slide("post")
                out.append(PatientTruth(patient: id, marker: marker.name,
                                        prePercentPositive: marker.scoredCells(pre).percentPositive,
                                        postPercentPositive: marker.scoredCells(post).percentPositive,
                                        preHScore: marker.scoredCells(pre).hScore, postHScore: marker.scoredCells(post).hScore,
                                        pdl1Group: plan.groups[p], outcome: spec.outcome ? plan.outcomes[p] : nil))
            }
        }
        return out
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    static func manifestTSV(_ tiles: [TileTruthRow]) -> String {
        var s = "patient\ttimepoint\tmarker\tslide\timage\n"
        for t in tiles { s += "\(t.patient)\t\(t.timepoint)\t\(t.marker)\t\(t.slide)\t\(t.image)\n" }
        return s
    }

    static func truthTSV(_ rows: [PatientTruth], outcome: Bool) -> String {
        var s = "patient\tmarker\tpre_percent_positive\tpost_percent_positive\tdelta\tpre_hscore\tpost_hscore\tpdl1_group"
        s += outcome ? "\toutcome\n" : "\n"
        for r in rows {
            s += "\(r.patient)\t\(r.marker)\t\(fmt(r.prePercentPositive))\t\(fmt(r.postPercentPositive))\t\(fmt(r.delta))"
            s += "\t\(fmt(r.preHScore))\t\(fmt(r.postHScore))\t\(r.pdl1Group)"
            s += outcome ? "\t\(r.outcome.map(String.init) ?? "NA")\n" : "\n"
        }
        return s
    }

    static func tileTruthTSV(_ tiles: [TileTruthRow], markers: [Marker]) -> String {
        var s = "image\tpatient\ttimepoint\tmarker\ttumour_cells\ttumour_positive\tlymphocytes\tlymphocytes_positive\tpercent_positive\thscore\n"
        for t in tiles {
            let m = markers.first { $0.name == t.marker } ?? .pdl1
            let c = m.scoredCells(t.totals)
            s += "\(t.image)\t\(t.patient)\t\(t.timepoint)\t\(t.marker)\t\(t.totals.tumour.total)\t\(t.totals.tumour.positive)"
            s += "\t\(t.totals.lymphocytes.total)\t\(t.totals.lymphocytes.positive)\t\(fmt(c.percentPositive))\t\(fmt(c.hScore))\n"
        }
        return s
    }
}
