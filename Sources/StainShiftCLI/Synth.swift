import ArgumentParser
import Foundation
import StainShift
import StainShiftSynth

/// `stainshift synth`: synthetic H-DAB tiles and cohorts with exact truth.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate synthetic IHC tiles and cohorts with exact per-cell truth.",
        discussion: Help.discussion(examples: [
            "stainshift synth tile tile.png --marker pdl1 --positive 40 --truth truth.tsv",
            "stainshift synth cohort demo/ --patients 12",
            "stainshift synth mosaic tile.png mosaic.tiff --copies 4",
            "stainshift synth slide tile.png slide.tiff --size 24576",
        ]),
        subcommands: [SynthTile.self, SynthCohort.self, SynthMosaic.self, SynthSlide.self])
}

struct SynthTile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tile", abstract: "Write one synthetic tile as PNG.",
        discussion: Help.discussion(examples: [
            "stainshift synth tile tile.png --marker pdl1 --positive 40 --truth truth.tsv",
            "stainshift synth tile pale.png --marker hla1 --size 1024 --counterstain 0.5",
        ]))

    @Argument(help: "Output PNG.") var output: String
    @Option(help: "Marker: pdl1, hla1, crt, hmgb1 or ki67.") var marker: String = "pdl1"
    @Option(help: "Random seed; the same seed gives the same tile.") var seed: UInt64 = 1
    @Option(help: "Tile width and height in pixels.") var size: Int = 512
    @Option(help: "Percent of tumour cells positive.") var positive: Double = 40
    @Option(help: "Per-cell truth TSV to write (or - for stdout).") var truth: String?
    @Option(help: "Gaussian noise, grey levels (sd).") var noise: Double = TileSpec().noise
    @Option(help: "Hematoxylin strength: below 1 a paler counterstain, above 1 a heavier one (DAB unchanged).")
    var counterstain: Double = TileSpec().counterstain
    @Option(help: "µm per pixel: cells are drawn at their physical size for it, and it is written into the PNG.")
    var pixelSize: Double = TileSpec().pixelSizeMicrons

    func validate() throws {
        guard pixelSize.isFinite, (0.05...5).contains(pixelSize) else { throw ValidationError("--pixel-size must be 0.05-5 µm") }
        guard Marker.builtin(named: marker) != nil else {
            throw ValidationError("unknown marker '\(marker)' (known: \(Marker.builtins.map(\.name).joined(separator: ", ")))")
        }
        guard (1...16384).contains(size) else { throw ValidationError("--size must be 1-16384 pixels") }
        guard (0...100).contains(positive) else { throw ValidationError("--positive must be 0-100") }
        guard (0...10).contains(counterstain) else { throw ValidationError("--counterstain must be 0-10") }
    }

    func run() throws {
        try failing("synth") {
            var spec = TileSpec()
            spec.marker = Marker.builtin(named: marker) ?? .pdl1
            spec.width = size; spec.height = size
            spec.positiveFraction = positive / 100
            spec.noise = noise
            spec.counterstain = counterstain
            spec.pixelSizeMicrons = pixelSize
            let (image, t) = SyntheticTile.generate(spec, seed: seed)
            try ImageWriter.writePNG(image, to: output)
            if let truth { try Output.write(t.tsv(), to: truth) }
        }
    }
}

struct SynthCohort: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Write a synthetic pre/post cohort: tiles/, manifest.tsv, truth.tsv, truth_tiles.tsv.",
        discussion: Help.discussion(examples: [
            "stainshift synth cohort demo/ --patients 12",
            "stainshift synth cohort demo/ --patients 20 --markers pdl1,hla1,crt --seed 7",
        ]))

    @Argument(help: "Output folder.") var dir: String
    @Option(help: "Number of patients.") var patients: Int = 6
    @Option(help: "Tiles per slide.") var tilesPerSlide: Int = 2
    @Option(help: "Tile width and height in pixels.") var size: Int = 512
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Comma-separated markers (pdl1 first).") var markers: String = "pdl1"
    @Option(help: "Gaussian noise, grey levels (sd).") var noise: Double = TileSpec().noise
    @Option(help: "Worker threads (default: all cores).") var threads: Int?

    var markerList: [String] { markers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }

    func validate() throws {
        for m in markerList where Marker.builtin(named: m) == nil {
            throw ValidationError("unknown marker '\(m)' (known: \(Marker.builtins.map(\.name).joined(separator: ", ")))")
        }
        guard (1...10_000).contains(patients) else { throw ValidationError("--patients must be 1-10000") }
        guard (1...1000).contains(tilesPerSlide) else { throw ValidationError("--tiles-per-slide must be 1-1000") }
        guard (16...16384).contains(size) else { throw ValidationError("--size must be 16-16384 pixels") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard (0...50).contains(noise) else { throw ValidationError("--noise must be 0-50 grey levels") }
    }

    func run() throws {
        try failing("synth") {
            var spec = CohortSpec(patients: patients, tilesPerSlide: tilesPerSlide, tileSize: size, markers: markerList)
            spec.outcome = true
            spec.tile.noise = noise
            let truth = try SyntheticCohort.write(to: dir, spec: spec, seed: seed, threads: threads)
            Stderr.line("stainshift synth: wrote \(patients) patients, \(truth.count) truth rows to \(dir)")
        }
    }
}
