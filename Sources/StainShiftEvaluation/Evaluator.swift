import Foundation
import StainShiftFoundation
import StainShiftImaging
import StainShiftScoring

/// How an evaluation scores and matches: the marker and settings `stainshift score` would use,
/// the match radius, the workers, and where overlays go.
public struct EvaluationOptions: Sendable {
    public var marker: Marker
    public var settings: ScoringSettings
    /// A point and a cell centroid match when at most this far apart (µm).
    public var matchRadiusMicrons: Double = 4
    /// Images scored at once; each gets `max(1, threads / workers)` threads of its own.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// A folder for one PNG per image (`EvaluationOverlay`); nil: none.
    public var overlayDirectory: String?

    public init(marker: Marker, settings: ScoringSettings) { self.marker = marker; self.settings = settings }
}

/// An image or annotation file that could not be evaluated, with its one-line error.
public struct EvaluationFailure: Sendable, Equatable {
    public var item: EvaluationItem
    public var error: String
}

/// Every image's evaluation, the failures, and the per-source and overall summaries.
public struct EvaluationResult: Sendable {
    public var marker: String
    public var matchRadiusMicrons: Double
    public var images: [ImageEvaluation]
    public var failures: [EvaluationFailure]

    /// One summary per source, in the order sources first appear in the list.
    public var sources: [EvaluationSummary] {
        var order: [String] = []
        for e in images where !order.contains(e.item.source) { order.append(e.item.source) }
        return order.map { s in EvaluationSummary(name: s, images: images.filter { $0.item.source == s }) }
    }

    public var overall: EvaluationSummary { EvaluationSummary(name: "overall", images: images) }
}

/// Scores every listed image in-process through `TileScorer.analyse`, exactly as `stainshift score`
/// would, and checks its cells against the expert points. Images run in parallel; results are
/// in list order and identical whatever the thread count.
public enum Evaluator {
    public static func run(_ items: [EvaluationItem], options: EvaluationOptions) -> EvaluationResult {
        let workers = max(1, min(options.threads, items.count))
        let inner = max(1, options.threads / workers)
        let outcomes = Slots<Result<ImageEvaluation, EvaluationError>>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let pool = BufferPool()
            while let i = outcomes.next() {
                do throws(EvaluationError) {
                    outcomes.set(i, .success(try evaluate(items[i], options: options, threads: inner, pool: pool)))
                } catch {
                    outcomes.set(i, .failure(error))
                }
            }
        }
        var images: [ImageEvaluation] = [], failures: [EvaluationFailure] = []
        for (item, outcome) in zip(items, outcomes.values) {
            switch outcome {
            case .success(let e)?: images.append(e)
            case .failure(let error)?: failures.append(EvaluationFailure(item: item, error: error.description))
            case nil: failures.append(EvaluationFailure(item: item, error: "\(item.imagePath): not evaluated"))
            }
        }
        return EvaluationResult(marker: options.marker.name, matchRadiusMicrons: options.matchRadiusMicrons,
                                images: images, failures: failures)
    }

    /// One image: its points read, the image scored, cells matched, and its overlay written.
    public static func evaluate(_ item: EvaluationItem, options: EvaluationOptions, threads: Int = 1,
                                pool: BufferPool? = nil) throws(EvaluationError) -> ImageEvaluation {
        let points = try AnnotationFile.read(item.annotationsPath)
        if let detections = item.detectionsPath { return try external(item, points: points, detections: detections, options: options) }
        let image: RGBImage
        do { image = try ImageReader.read(item.imagePath) } catch {
            throw EvaluationError(path: error.path, reason: error.reason)
        }
        var settings = options.settings
        settings.threads = threads
        if let p = item.pixelSizeMicrons { settings.pixelSizeMicrons = p }
        let keep: RGBImage? = options.overlayDirectory == nil ? nil : image
        var analysis = TileScorer.analyse(image, name: item.image, marker: options.marker, settings: settings, pool: pool)
        let cells = zip(analysis.segmentation.cells, analysis.calls).map { cell, call in
            DetectedCell(x: cell.centroidX, y: cell.centroidY, cellClass: cell.cellClass.rawValue, positive: call.positive)
        }
        let totals = analysis.score.totals
        let scored = options.marker.scoredCells(totals)
        let measured = options.marker.score(named: CommonScore.percentPositive, totals) ?? scored.percentPositive
        let result = ImageEvaluation.evaluate(item, points: points, cells: cells,
                                              pixelSizeMicrons: analysis.score.pixelSizeMicrons,
                                              radiusMicrons: options.matchRadiusMicrons, measuredIndex: measured,
                                              scored: (scored.positive, scored.total))
        if let pool { analysis.recycle(into: pool) }
        if let keep { try writeOverlay(keep, result, options: options) }
        return result
    }

    /// An image whose cells another tool found: its pixel size follows the same rule as scoring
    /// (the list, the option, the image's metadata, 0.5 µm), so the match radius in pixels is the same.
    static func external(_ item: EvaluationItem, points: [AnnotationPoint], detections: String,
                         options: EvaluationOptions) throws(EvaluationError) -> ImageEvaluation {
        let cells = try DetectionTable.read(detections)
        let image: RGBImage?
        let metadata: Double?
        do throws(FileError) {
            image = options.overlayDirectory == nil ? nil : try ImageReader.read(item.imagePath)
            if let image { metadata = image.pixelSizeMicrons } else { metadata = try ImageReader.info(item.imagePath).pixelSizeMicrons }
        } catch { throw EvaluationError(path: error.path, reason: error.reason) }
        let px = [item.pixelSizeMicrons, options.settings.pixelSizeMicrons, metadata]
            .compactMap { $0 }.first { $0.isFinite && $0 > 0 } ?? ScoringSettings.defaultPixelSizeMicrons
        let positive = cells.filter(\.positive).count
        let measured = cells.isEmpty ? 0 : 100 * Double(positive) / Double(cells.count)
        let result = ImageEvaluation.evaluate(item, points: points, cells: cells, pixelSizeMicrons: px,
                                              radiusMicrons: options.matchRadiusMicrons, measuredIndex: measured,
                                              scored: (positive, cells.count))
        if let image { try writeOverlay(image, result, options: options) }
        return result
    }

    static func writeOverlay(_ image: RGBImage, _ result: ImageEvaluation, options: EvaluationOptions) throws(EvaluationError) {
        guard let folder = options.overlayDirectory else { return }
        let path = URL(fileURLWithPath: folder).appendingPathComponent(EvaluationOverlay.fileName(for: result.item)).path
        do { try ImageWriter.writePNG(EvaluationOverlay.render(image, evaluation: result), to: path) } catch {
            throw EvaluationError(path: error.path, reason: "overlay: \(error.reason)")
        }
    }
}
/// Fixed result slots filled from many threads plus a shared next-index counter, so output order
/// never depends on which worker finished first.
final class Slots<T>: @unchecked Sendable {
    private(set) var values: [T?]
    private var taken = 0
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard taken < values.count else { return nil }
        taken += 1
        return taken - 1
    }

    func set(_ index: Int, _ value: T) { lock.lock(); values[index] = value; lock.unlock() }
}
