import ArgumentParser
import Foundation
import StainShift

/// `stainshift deconvolve IMAGE -o DIR`: one float32 TIFF of OD concentration per stain, a PNG
/// preview per stain, and a JSON summary (stain matrix used, mean OD) on stdout (CONTRACT).
/// Images above `--max-pixels` are processed in bands of rows (`DeconvolveJob`).
struct Deconvolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unmix an IHC image into stain concentration maps (OD units, float32 TIFF) with PNG previews.",
        discussion: Help.discussion(examples: [
            "stainshift deconvolve tile.tif -o od/",
            "stainshift deconvolve tile.png -o od/ --stains auto --clip",
            "stainshift deconvolve tile.png -o od/ --stains qupath-h-dab",
        ]))

    @Argument(help: "A TIFF, PNG or JPEG image.") var image: String
    @Option(name: .shortAndLong, help: "Output folder (created if missing).") var output: String
    @Option(help: "Stain set: a preset (see `stainshift stains`), `auto` or `auto:PRESET` (Macenko estimate, roles from PRESET, default h-dab), a JSON file, or role:r,g,b;role:r,g,b.")
    var stains: String = "h-dab"
    @Option(help: "White point: a sample value (all channels), `auto` (brightest tissue-free pixels), or the bit-depth max by default.")
    var background: String?
    @Flag(help: "Set negative concentrations to 0.") var clip = false
    @Option(help: "Threads (default: all cores).") var threads: Int = 0
    @Option(help: "Zero-based page of a multi-page TIFF.") var page: Int = 0
    @Option(help: "Largest image processed in one piece; larger ones are processed in bands of rows.")
    var maxPixels: Int = ReadOptions.defaultMaxPixels

    func validate() throws {
        guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
        if let background, background != "auto", (try? WhitePoint(uniform: Double(background) ?? .nan)) == nil {
            throw ValidationError("--background must be `auto` or a number >= 1, not \(background)")
        }
    }

    func run() throws {
        try failing("deconvolve") {
            var job = DeconvolveJob(image: image, output: output)
            job.stains = stains
            job.background = background
            job.clip = clip
            job.threads = threads
            job.page = page
            job.maxPixels = maxPixels
            // A bad --stains is a usage error; the job resolves it before reading or writing anything.
            let summary: DeconvolveSummary
            do { summary = try job.run { Stderr.line("stainshift deconvolve: \($0)") } } catch let error as StainError {
                throw CommandFailure(command: "deconvolve", detail: "--stains: \(error)", code: 64)
            }
            print(try summary.json())
        }
    }
}
