import ArgumentParser
import CTIFF
import Foundation
import StainShift

/// `stainshift deconvolve IMAGE -o DIR`: one float32 TIFF of OD concentration per stain, a PNG
/// preview per stain, and a JSON summary (stain matrix used, mean OD) on stdout (CONTRACT).
/// Images above `--max-pixels` are processed in bands of rows read with `ImageReader.readRegion`.
struct Deconvolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unmix an IHC image into stain concentration maps (OD units, float32 TIFF) with PNG previews.")

    @Argument(help: "A TIFF or PNG image.") var image: String
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

    /// Previews of large images are shrunk to at most this many pixels.
    static let previewMaxPixels = 16 * 1024 * 1024
    /// Pixels per band when processing a large image in bands.
    static let bandPixels = 32 * 1024 * 1024

    func validate() throws {
        guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
        if let background, background != "auto", (try? WhitePoint(uniform: Double(background) ?? .nan)) == nil {
            throw ValidationError("--background must be `auto` or a number >= 1, not \(background)")
        }
    }

    /// `auto` or `auto:SET`: estimate per image, starting from (and naming roles after) SET, default h-dab.
    var isAuto: Bool { stains == "auto" || stains.hasPrefix("auto:") }

    func reference() throws(StainError) -> StainMatrix {
        stains.hasPrefix("auto:") ? try StainMatrix.resolve(String(stains.dropFirst(5))) : StainPresets.hDAB
    }

    var workers: Int { threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount }

    func run() throws {
        try failing("deconvolve") {
            var fixedMatrix: StainMatrix?
            do {
                if isAuto { _ = try reference() } else { fixedMatrix = try StainMatrix.resolve(stains) }
            } catch {
                throw CommandFailure(command: "deconvolve", detail: "--stains: \(error)", code: 64)
            }
            let info = try ImageReader.info(image, page: page)
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(command: "deconvolve", detail: "\(output): cannot create the output folder")
            }
            let summary = info.width * info.height <= maxPixels
                ? try whole(fixedMatrix)
                : try banded(info, fixedMatrix)
            print(try summary.json())
        }
    }

    var stem: String {
        var name = URL(fileURLWithPath: image).lastPathComponent
        for suffix in [".ome.tiff", ".ome.tif", ".tiff", ".tif", ".png"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name
    }

    func path(_ role: StainRole, _ ext: String) -> String {
        URL(fileURLWithPath: output).appendingPathComponent("\(stem).\(role.rawValue).\(ext)").path
    }

    /// White point and matrix for pixels `sample` (the whole image, or a subsample of a large one).
    func settings(_ sample: [RGBImage], bitDepth: Int, fixed: StainMatrix?) -> (WhitePoint, BackgroundEstimate?, StainMatrix, StainEstimate?) {
        var white = WhitePoint.fixed(bitDepth: bitDepth)
        var estimatedWhite: BackgroundEstimate?
        if background == "auto" {
            let pooled = Deconvolve.pool(sample)
            let e = BackgroundEstimator.estimate(pooled)
            if let warning = e.warning { Stderr.line("stainshift deconvolve: \(image): background: \(warning)") }
            white = e.whitePoint
            estimatedWhite = e
        } else if let background, let value = Double(background), let w = try? WhitePoint(uniform: value) {
            white = w
        }
        if let fixed { return (white, estimatedWhite, fixed, nil) }
        let estimate = StainEstimation.macenko(sample, reference: (try? reference()) ?? StainPresets.hDAB, whitePoint: white)
        if let warning = estimate.warning { Stderr.line("stainshift deconvolve: \(image): stains: \(warning)") }
        return (white, estimatedWhite, estimate.matrix, estimate)
    }

    /// Joins same-depth images into one single-row image (for the background estimate).
    static func pool(_ images: [RGBImage]) -> RGBImage {
        if images.count == 1 { return images[0] }
        let n = images.reduce(0) { $0 + $1.pixelCount }
        if images.first?.bitDepth == 16 {
            var s: [UInt16] = []; s.reserveCapacity(3 * n)
            for i in images { if case .uint16(let x) = i.samples { s += x } }
            return RGBImage(width: s.count / 3, height: 1, samples: .uint16(Array(s.prefix(s.count / 3 * 3))))
        }
        var s: [UInt8] = []; s.reserveCapacity(3 * n)
        for i in images { if case .uint8(let x) = i.samples { s += x } }
        return RGBImage(width: s.count / 3, height: 1, samples: .uint8(Array(s.prefix(s.count / 3 * 3))))
    }

    /// The image fits in memory: read, unmix, write.
    func whole(_ fixed: StainMatrix?) throws -> DeconvolveSummary {
        let img = try ImageReader.read(image, options: ReadOptions(page: page, maxPixels: maxPixels, threads: threads))
        let (white, estimatedWhite, matrix, estimate) = settings([img], bitDepth: img.bitDepth, fixed: fixed)
        let deconvolver = Deconvolver(matrix: matrix, whitePoint: white, bitDepth: img.bitDepth)
        var planes = deconvolver.run(img, threads: workers)
        if clip { planes.clipNegatives() }
        var stats = ODStatistics()
        stats.add(img, table: deconvolver.table, planes: planes)
        var preview = StainPreview(matrix: matrix, sourceWidth: img.width, sourceHeight: img.height)
        preview.add(planes, originY: 0)
        let n = planes.pixelCount
        // Six independent compressed files: write them concurrently (each file's bytes do not depend on it).
        let (w, h, um) = (img.width, img.height, img.pixelSizeMicrons)
        let maps: [Job] = matrix.stains.enumerated().map { k, stain in
            let values = Array(planes.values[(k * n)..<((k + 1) * n)]), target = path(stain.role, "tiff")
            return { try ImageWriter.writeTIFFFloat(width: w, height: h, values: values, to: target, pixelSizeMicrons: um) }
        }
        try Deconvolve.runConcurrently(maps + previewJobs(preview), workers: workers)
        return summary(width: img.width, height: img.height, bits: img.bitDepth, matrix: matrix, white: white,
                       estimatedWhite: estimatedWhite, estimate: estimate, stats: stats, bands: 1, previewStep: 1)
    }

    /// The image is larger than `--max-pixels`: bands of rows in, strips out.
    func banded(_ info: ImageInfo, _ fixed: StainMatrix?) throws -> DeconvolveSummary {
        let w = info.width, h = info.height
        // Bands follow the file's tile or strip rows, so each block is decoded once.
        let unit = max(1, info.tileHeight ?? (info.format == .tiff ? Deconvolve.rowsPerStrip(image, page: page) : nil) ?? 256)
        let bandRows = max(1, min(h, max(unit, (min(maxPixels, Deconvolve.bandPixels) / max(1, w)) / unit * unit)))
        let options = ReadOptions(page: page, maxPixels: max(maxPixels, bandRows * w), threads: threads)
        func band(_ y: Int) throws(ImagingError) -> RGBImage {
            try ImageReader.readRegion(image, x: 0, y: y, width: w, height: min(bandRows, h - y), options: options)
        }
        // Automatic settings look at a fixed-stride subsample of every band: a first, read-only pass.
        var fixedMatrix = fixed
        var white = WhitePoint.fixed(bitDepth: info.bitsPerSample == 16 ? 16 : 8)
        var estimatedWhite: BackgroundEstimate?, estimate: StainEstimate?
        if fixed == nil || background == "auto" {
            let stride = max(1, (w * h) / 2_000_000)
            var sample: [RGBImage] = []
            for y in Swift.stride(from: 0, to: h, by: bandRows) { sample.append(Deconvolve.subsample(try band(y), stride: stride)) }
            (white, estimatedWhite, fixedMatrix, estimate) = settings(sample, bitDepth: sample.first?.bitDepth ?? 8, fixed: fixed)
        } else if let background, let value = Double(background), let wp = try? WhitePoint(uniform: value) {
            white = wp
        }
        guard let matrix = fixedMatrix else { throw CommandFailure(command: "deconvolve", detail: "\(image): no stain matrix") }
        var writers: [FloatTIFFStream] = []
        defer { for writer in writers { writer.abandon() } }
        for stain in matrix.stains {
            writers.append(try FloatTIFFStream(path: path(stain.role, "tiff"), width: w, height: h, pixelSizeMicrons: info.pixelSizeMicrons))
        }
        let step = StainPreview.step(sourceWidth: w, sourceHeight: h, maxPixels: Deconvolve.previewMaxPixels)
        var preview = StainPreview(matrix: matrix, sourceWidth: w, sourceHeight: h, step: step)
        var stats = ODStatistics()
        var planes = StainPlanes(matrix: matrix)
        var deconvolver: Deconvolver?
        var bands = 0, bits = 8
        for y in Swift.stride(from: 0, to: h, by: bandRows) {
            let img = try band(y)
            bits = img.bitDepth
            if deconvolver?.table.bitDepth != img.bitDepth {
                deconvolver = Deconvolver(matrix: matrix, whitePoint: white, bitDepth: img.bitDepth)
            }
            guard let deconvolver else { continue }
            deconvolver.run(img, threads: workers, into: &planes)
            if clip { planes.clipNegatives() }
            stats.add(img, table: deconvolver.table, planes: planes)
            preview.add(planes, originY: y)
            let n = planes.pixelCount
            for k in 0..<3 {
                try planes.values.withUnsafeBufferPointer { v throws(ImagingError) in
                    try writers[k].append(rows: img.height, from: v.baseAddress.map { $0 + k * n })
                }
            }
            bands += 1
        }
        for writer in writers { try writer.finish() }
        writers = []
        try writePreviews(preview)
        return summary(width: w, height: h, bits: bits, matrix: matrix, white: white, estimatedWhite: estimatedWhite,
                       estimate: estimate, stats: stats, bands: bands, previewStep: step)
    }

    /// Rows per strip of a stripped TIFF page, nil for other files.
    static func rowsPerStrip(_ path: String, page: Int) -> Int? {
        guard let tif = TIFFOpen(path, "r") else { return nil }
        defer { TIFFClose(tif) }
        guard page == 0 || (page < Int(UInt16.max) && TIFFSetDirectory(tif, tdir_t(page)) != 0) else { return nil }
        var rows: UInt32 = 0
        guard sstiff_get_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), &rows) != 0, rows > 0, rows < UInt32.max else { return nil }
        return Int(rows)
    }

    /// Every `stride`-th pixel of `image` as a single-row image.
    static func subsample(_ image: RGBImage, stride: Int) -> RGBImage {
        func take<T>(_ s: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(3 * (image.pixelCount / stride + 1))
            for i in Swift.stride(from: 0, to: image.pixelCount, by: stride) { out += s[(3 * i)..<(3 * i + 3)] }
            return out
        }
        switch image.samples {
        case .uint8(let s): let t = take(s); return RGBImage(width: t.count / 3, height: 1, samples: .uint8(t))
        case .uint16(let s): let t = take(s); return RGBImage(width: t.count / 3, height: 1, samples: .uint16(t))
        }
    }

    typealias Job = @Sendable () throws -> Void

    func writePreviews(_ preview: StainPreview) throws {
        try Deconvolve.runConcurrently(previewJobs(preview), workers: workers)
    }

    func previewJobs(_ preview: StainPreview) -> [Job] {
        preview.matrix.stains.compactMap { stain -> Job? in
            guard let picture = preview.image(stain.role) else { return nil }
            let target = path(stain.role, "png")
            return { try ImageWriter.writePNG(picture, to: target) }
        }
    }

    /// Runs `jobs` one per iteration (in order when `workers` is 1); throws the first failure in job order.
    static func runConcurrently(_ jobs: [Job], workers: Int) throws {
        if workers <= 1 {
            for job in jobs { try job() }
            return
        }
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var errors: [Int: any Error] = [:]
            func record(_ i: Int, _ e: any Error) { lock.lock(); errors[i] = e; lock.unlock() }
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            do { try jobs[i]() } catch { failures.record(i, error) }
        }
        if let first = failures.errors.keys.min(), let error = failures.errors[first] { throw error }
    }

    func summary(width: Int, height: Int, bits: Int, matrix: StainMatrix, white: WhitePoint, estimatedWhite: BackgroundEstimate?,
                 estimate: StainEstimate?, stats: ODStatistics, bands: Int, previewStep: Int) -> DeconvolveSummary {
        let roles = matrix.stains.map(\.role.rawValue)
        var meanOD: [String: Double] = [:], files: [String: String] = [:], previews: [String: String] = [:]
        for (k, role) in matrix.stains.map(\.role).enumerated() {
            meanOD[role.rawValue] = stats.meanStain(k) ?? 0
            files[role.rawValue] = path(role, "tiff")
            previews[role.rawValue] = path(role, "png")
        }
        return DeconvolveSummary(
            image: image, width: width, height: height, bits: bits, page: page,
            stainSource: stains, stains: matrix.givenStains, stainText: matrix.text, roles: roles,
            matrix: matrix.stains.map(\.components),
            inverse: (0..<3).map { Array(matrix.inverse[(3 * $0)..<(3 * $0 + 3)]) },
            background: DeconvolveSummary.Background(red: white.r, green: white.g, blue: white.b,
                                                     estimated: estimatedWhite != nil && estimatedWhite?.warning == nil,
                                                     warning: estimatedWhite?.warning),
            estimation: estimate.map {
                DeconvolveSummary.Estimation(method: "macenko", confidence: $0.confidence, fallback: $0.usedFallback,
                                             warning: $0.warning, sampledPixels: $0.sampledPixels, stainedPixels: $0.stainedPixels,
                                             driftDegrees: Dictionary(uniqueKeysWithValues: $0.driftDegrees.map { ($0.key.rawValue, $0.value) }))
            },
            meanOD: meanOD,
            meanChannelOD: ["red": stats.meanChannel(0) ?? 0, "green": stats.meanChannel(1) ?? 0, "blue": stats.meanChannel(2) ?? 0],
            clipped: clip, bands: bands, previewStep: previewStep, outputs: files, previews: previews)
    }
}

/// The JSON object `stainshift deconvolve` prints. `stains` has the same shape as a stain JSON
/// file, so the output can be passed back with `--stains`.
struct DeconvolveSummary: Encodable {
    struct Background: Encodable {
        let red: Double, green: Double, blue: Double
        let estimated: Bool
        let warning: String?
    }
    struct Estimation: Encodable {
        let method: String
        let confidence: Double
        let fallback: Bool
        let warning: String?
        let sampledPixels: Int, stainedPixels: Int
        let driftDegrees: [String: Double]
        enum CodingKeys: String, CodingKey {
            case method, confidence, fallback, warning
            case sampledPixels = "sampled_pixels", stainedPixels = "stained_pixels", driftDegrees = "drift_degrees"
        }
    }
    let image: String
    let width: Int, height: Int, bits: Int, page: Int
    let stainSource: String
    let stains: [StainVector]
    let stainText: String
    let roles: [String]
    let matrix: [[Double]]
    let inverse: [[Double]]
    let background: Background
    let estimation: Estimation?
    let meanOD: [String: Double]
    let meanChannelOD: [String: Double]
    let clipped: Bool
    let bands: Int
    let previewStep: Int
    let outputs: [String: String]
    let previews: [String: String]

    enum CodingKeys: String, CodingKey {
        case image, width, height, bits, page, stains, roles, matrix, inverse, background, estimation, clipped, bands, outputs, previews
        case stainSource = "stain_source", stainText = "stain_text", meanOD = "mean_od", meanChannelOD = "mean_channel_od"
        case previewStep = "preview_step"
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// A single-sample float32 TIFF written a band of rows at a time (Deflate with the floating-point
/// predictor, as `ImageWriter.writeTIFFFloat`), to a temporary name renamed on `finish()`.
final class FloatTIFFStream {
    let path: String, temporary: String
    let width: Int, height: Int
    private var tif: OpaquePointer?
    private var row = 0
    private var scratch: [Float]

    init(path: String, width: Int, height: Int, pixelSizeMicrons: Double?) throws(ImagingError) {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw ImagingError(path: path, reason: "cannot write a \(width) x \(height) TIFF")
        }
        self.path = path; self.width = width; self.height = height
        temporary = AtomicFile.temporaryPath(for: path)
        scratch = [Float](repeating: 0, count: width)
        // BigTIFF when the raw data nears classic TIFF's 4 GiB.
        guard let tif = TIFFOpen(temporary, 4 * width * height > (3 << 30) ? "w8" : "w") else {
            throw ImagingError(path: path, reason: "cannot create TIFF")
        }
        self.tif = tif
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1)
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), 32)
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(SAMPLEFORMAT_IEEEFP))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_ORIENTATION), UInt16(ORIENTATION_TOPLEFT))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ADOBE_DEFLATE))
        _ = sstiff_set_u16(tif, UInt32(TIFFTAG_PREDICTOR), UInt16(PREDICTOR_FLOATINGPOINT))
        _ = sstiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(max(1, min(height, (64 << 10) / (4 * width)))))
        if let um = pixelSizeMicrons, um.isFinite, um > 0 {
            _ = sstiff_set_u16(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_CENTIMETER))
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), 10_000 / um)
            _ = sstiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), 10_000 / um)
        }
        _ = sstiff_set_string(tif, UInt32(TIFFTAG_SOFTWARE), "StainShift")
    }

    /// Appends `rows` full rows starting at `values`.
    func append(rows: Int, from values: UnsafePointer<Float>?) throws(ImagingError) {
        guard let tif, let values, row + rows <= height else {
            throw ImagingError(path: path, reason: "rows beyond the image height")
        }
        for r in 0..<rows {
            // The predictor encodes in place, so hand libtiff a copy of the row.
            let ok = scratch.withUnsafeMutableBufferPointer { s -> Bool in
                guard let base = s.baseAddress else { return false }
                base.update(from: values + r * width, count: width)
                return TIFFWriteScanline(tif, base, UInt32(row), 0) >= 0
            }
            guard ok else { throw ImagingError(path: path, reason: "cannot write row \(row)") }
            row += 1
        }
    }

    /// Completes the file and moves it into place.
    func finish() throws(ImagingError) {
        guard let tif else { return }
        self.tif = nil
        let flushed = row == height && TIFFFlush(tif) != 0
        TIFFClose(tif)
        guard flushed else {
            unlink(temporary)
            throw ImagingError(path: path, reason: row == height ? "cannot finish the TIFF" : "only \(row) of \(height) rows written")
        }
        try AtomicFile.commit(temporary, to: path)
    }

    /// Closes and removes an unfinished file (after an error).
    func abandon() {
        guard let tif else { return }
        self.tif = nil
        TIFFClose(tif)
        unlink(temporary)
    }
}
