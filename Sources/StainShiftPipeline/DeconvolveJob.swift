import Foundation
import StainShiftFoundation
import StainShiftImaging
import StainShiftStains

/// `stainshift deconvolve` as a library call: one float32 TIFF of OD concentration per stain, a
/// PNG preview per stain, and a summary (stain matrix used, white point, mean OD). Images above
/// `maxPixels` are processed in bands of rows read with `ImageReader.readRegion` and written strip
/// by strip, with the same output as the whole-image path.
public struct DeconvolveJob: Sendable {
    public var image: String
    /// Output folder (created if missing).
    public var output: String
    /// A preset, `auto` or `auto:PRESET` (Macenko estimate, roles from PRESET, default h-dab), a JSON
    /// file, or role:r,g,b;role:r,g,b.
    public var stains = "h-dab"
    /// White point: nil for the bit-depth maximum, `auto` (brightest tissue-free pixels) or a sample value.
    public var background: String?
    /// Set negative concentrations to 0.
    public var clip = false
    /// Worker threads; 0 for all cores.
    public var threads = 0
    public var page = 0
    /// Largest image processed in one piece.
    public var maxPixels = ReadOptions.defaultMaxPixels

    /// Previews of large images are shrunk to at most this many pixels.
    public static let previewMaxPixels = 16 * 1024 * 1024
    /// Pixels per band when processing a large image in bands.
    public static let bandPixels = 32 * 1024 * 1024

    public init(image: String, output: String) {
        self.image = image
        self.output = output
    }

    /// `auto` or `auto:SET`: estimate per image, starting from (and naming roles after) SET.
    public var isAuto: Bool { StainMatrix.isEstimated(stains) }

    /// `stains` resolved once: the matrix to use as given (nil when it is estimated per image) and
    /// the reference an estimate starts from and names its roles after; throws for a bad `stains`.
    public func resolveStains() throws(StainError) -> (fixed: StainMatrix?, reference: StainMatrix) {
        let named = try StainMatrix.resolveEstimable(stains)
        return named.estimated ? (nil, named.matrix) : (named.matrix, StainPresets.hDAB)
    }

    var workers: Int { threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount }

    /// Unmixes the image and writes the maps and previews. `warn` receives one-line warnings
    /// (background or stain estimation fell back), each naming the image. A bad `stains` throws a
    /// `StainError` before anything is read or written.
    public func run(warn: (String) -> Void = { _ in }) throws -> DeconvolveSummary {
        let stains = try resolveStains()
        let info = try ImageReader.info(image, page: page)
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw PipelineError(path: output, reason: "cannot create the output folder")
        }
        return info.width * info.height <= maxPixels ? try whole(stains, warn: warn) : try banded(info, stains, warn: warn)
    }

    var stem: String {
        var name = URL(fileURLWithPath: image).lastPathComponent
        for suffix in [".ome.tiff", ".ome.tif", ".tiff", ".tif", ".png", ".jpeg", ".jpg", ".jpe"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name
    }

    /// `OUTPUT/<stem>.<role>.<ext>`.
    public func path(_ role: StainRole, _ ext: String) -> String {
        URL(fileURLWithPath: output).appendingPathComponent("\(stem).\(role.rawValue).\(ext)").path
    }

    /// White point and matrix for pixels `sample` (the whole image, or a subsample of a large one).
    func settings(_ sample: [RGBImage], bitDepth: Int, stains: (fixed: StainMatrix?, reference: StainMatrix),
                  warn: (String) -> Void) -> (WhitePoint, BackgroundEstimate?, StainMatrix, StainEstimate?) {
        var white = WhitePoint.fixed(bitDepth: bitDepth)
        var estimatedWhite: BackgroundEstimate?
        if background == "auto" {
            let e = BackgroundEstimator.estimate(RGBImage.concatenating(sample))
            if let warning = e.warning { warn("\(image): background: \(warning)") }
            white = e.whitePoint
            estimatedWhite = e
        } else if let given = givenWhitePoint {
            white = given
        }
        if let fixed = stains.fixed { return (white, estimatedWhite, fixed, nil) }
        let estimate = StainEstimation.macenko(sample, reference: stains.reference, whitePoint: white)
        if let warning = estimate.warning { warn("\(image): stains: \(warning)") }
        return (white, estimatedWhite, estimate.matrix, estimate)
    }

    /// The white point `background` names as a number, if it does.
    var givenWhitePoint: WhitePoint? {
        guard let background, let value = Double(background) else { return nil }
        return try? WhitePoint(uniform: value)
    }

    /// The image fits in memory: read, unmix, write.
    func whole(_ stains: (fixed: StainMatrix?, reference: StainMatrix), warn: (String) -> Void) throws -> DeconvolveSummary {
        let img = try ImageReader.read(image, options: ReadOptions(page: page, maxPixels: maxPixels, threads: threads))
        let (white, estimatedWhite, matrix, estimate) = settings([img], bitDepth: img.bitDepth, stains: stains, warn: warn)
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
        try Self.runConcurrently(maps + previewJobs(preview), workers: workers)
        return summary(width: img.width, height: img.height, bits: img.bitDepth, matrix: matrix, white: white,
                       estimatedWhite: estimatedWhite, estimate: estimate, stats: stats, bands: 1, previewStep: 1)
    }

    /// The image is larger than `maxPixels`: bands of rows in, strips out.
    func banded(_ info: ImageInfo, _ stains: (fixed: StainMatrix?, reference: StainMatrix),
                warn: (String) -> Void) throws -> DeconvolveSummary {
        let w = info.width, h = info.height
        // Bands follow the file's tile or strip rows, so each block is decoded once.
        let unit = max(1, info.tileHeight ?? (info.format == .tiff ? ImageReader.rowsPerStrip(image, page: page) : nil) ?? 256)
        let bandRows = max(1, min(h, max(unit, (min(maxPixels, Self.bandPixels) / max(1, w)) / unit * unit)))
        let options = ReadOptions(page: page, maxPixels: max(maxPixels, bandRows * w), threads: threads)
        func band(_ y: Int) throws(FileError) -> RGBImage {
            try ImageReader.readRegion(image, x: 0, y: y, width: w, height: min(bandRows, h - y), options: options)
        }
        // Automatic settings look at a fixed-stride subsample of every band: a first, read-only pass.
        let matrix: StainMatrix, white: WhitePoint, estimatedWhite: BackgroundEstimate?, estimate: StainEstimate?
        if let fixed = stains.fixed, background != "auto" {
            (matrix, estimatedWhite, estimate) = (fixed, nil, nil)
            white = givenWhitePoint ?? WhitePoint.fixed(bitDepth: info.bitsPerSample == 16 ? 16 : 8)
        } else {
            let stride = max(1, (w * h) / 2_000_000)
            var sample: [RGBImage] = []
            for y in Swift.stride(from: 0, to: h, by: bandRows) { sample.append(try band(y).strided(by: stride)) }
            (white, estimatedWhite, matrix, estimate) = settings(sample, bitDepth: sample.first?.bitDepth ?? 8,
                                                                 stains: stains, warn: warn)
        }
        // Unfinished streams remove their temporary files when released (an error on the way).
        var writers: [FloatTIFFStream] = []
        for stain in matrix.stains {
            writers.append(try FloatTIFFStream(path: path(stain.role, "tiff"), width: w, height: h,
                                               pixelSizeMicrons: info.pixelSizeMicrons))
        }
        let step = StainPreview.step(sourceWidth: w, sourceHeight: h, maxPixels: Self.previewMaxPixels)
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
                try planes.values.withUnsafeBufferPointer { v throws(FileError) in
                    try writers[k].append(rows: img.height, from: v.baseAddress.map { $0 + k * n })
                }
            }
            bands += 1
        }
        for writer in writers { try writer.finish() }
        try Self.runConcurrently(previewJobs(preview), workers: workers)
        return summary(width: w, height: h, bits: bits, matrix: matrix, white: white, estimatedWhite: estimatedWhite,
                       estimate: estimate, stats: stats, bands: bands, previewStep: step)
    }

    typealias Job = @Sendable () throws -> Void

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
public struct DeconvolveSummary: Encodable, Sendable {
    public struct Background: Encodable, Sendable {
        public let red: Double, green: Double, blue: Double
        public let estimated: Bool
        public let warning: String?
    }
    public struct Estimation: Encodable, Sendable {
        public let method: String
        public let confidence: Double
        public let fallback: Bool
        public let warning: String?
        public let sampledPixels: Int, stainedPixels: Int
        public let driftDegrees: [String: Double]
        enum CodingKeys: String, CodingKey {
            case method, confidence, fallback, warning
            case sampledPixels = "sampled_pixels", stainedPixels = "stained_pixels", driftDegrees = "drift_degrees"
        }
    }
    public let image: String
    public let width: Int, height: Int, bits: Int, page: Int
    public let stainSource: String
    public let stains: [StainVector]
    public let stainText: String
    public let roles: [String]
    public let matrix: [[Double]]
    public let inverse: [[Double]]
    public let background: Background
    public let estimation: Estimation?
    public let meanOD: [String: Double]
    public let meanChannelOD: [String: Double]
    public let clipped: Bool
    public let bands: Int
    public let previewStep: Int
    public let outputs: [String: String]
    public let previews: [String: String]

    enum CodingKeys: String, CodingKey {
        case image, width, height, bits, page, stains, roles, matrix, inverse, background, estimation, clipped, bands, outputs, previews
        case stainSource = "stain_source", stainText = "stain_text", meanOD = "mean_od", meanChannelOD = "mean_channel_od"
        case previewStep = "preview_step"
    }

    /// One line of JSON, keys sorted.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
