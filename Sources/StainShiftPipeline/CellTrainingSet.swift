import Foundation
import StainShiftEvaluation
import StainShiftFoundation
import StainShiftImaging
import StainShiftLearn
import StainShiftScoring
import StainShiftCells

/// How `train-cells` detects and labels cells: the marker and settings `stainshift score` would
/// use (features depend on detection), and how far a point may lie from the nucleus it names.
public struct CellTrainingOptions: Sendable {
    public var marker: Marker
    public var settings: ScoringSettings
    /// A point that hits no cell labels the nearest nucleus centre within this many µm.
    public var matchRadiusMicrons: Double = 4
    /// Images analysed at once (each on one thread); results do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(marker: Marker, settings: ScoringSettings) { self.marker = marker; self.settings = settings }
}

/// One image's labelled cells: feature rows and class names, and what could not be used.
public struct LabelledImage: Sendable {
    public var item: EvaluationItem
    public var features: [Float] = []
    public var classNames: [String] = []
    /// The morphology rule's class (`CellMeasurer`) of each labelled cell, for comparison.
    public var ruleClasses: [CellClass] = []
    /// The same with the rule's hematoxylin cut relative to the neighbours (`MorphologyRule.relativeToNeighbours`).
    public var relativeRuleClasses: [CellClass] = []
    /// Each labelled cell's nucleus centroid (x, y) in the image's pixels.
    public var centroids: [(x: Double, y: Double)] = []
    /// Points (or polygons) read from the annotation file.
    public var annotations = 0
    /// Points that hit no cell and had no nucleus centre within the match radius.
    public var unmatchedPoints = 0
    /// Cells that two annotations gave different classes (left out).
    public var conflictingCells = 0
    /// Points with no class (`unlabelled`), left out.
    public var unlabelledPoints = 0
}

/// The labelled cells of an annotation list (`AnnotationList`, as `stainshift evaluate` reads it),
/// each image segmented with the default detection (`TileScorer.analyse`). A point labels the cell
/// whose cell label covers it, else the nearest nucleus centre within the match radius; a GeoJSON
/// polygon labels the cells whose centre lies inside. Labels `positive` and `negative` count as
/// `tumour` (BCData: only tumour cells carry them).
public enum CellTrainingSet {
    public struct Result: Sendable {
        public var cells: LabelledCells
        public var images: [LabelledImage]
        /// Images or annotation files that could not be used, each with its one-line error.
        public var failures: [(item: EvaluationItem, error: String)]

        /// The morphology rule's class of each of `cells`, in order.
        public var ruleClasses: [CellClass] { images.flatMap(\.ruleClasses) }
        public var relativeRuleClasses: [CellClass] { images.flatMap(\.relativeRuleClasses) }

        /// `model` on these cells against the morphology rule, by role (the annotation's class
        /// name gives the true role).
        public func compare(_ model: CellClassifierModel) -> RoleComparison {
            let predicted = RandomForestCellClassifier(model: model).classify(CellFeatures(values: cells.features, count: cells.count))
            return RoleComparison(images: images.count, truth: cells.labels.map { ModelClass.role(of: cells.classNames[$0]) },
                                  forest: predicted.map { model.classes[$0].role }, rule: ruleClasses,
                                  relativeRule: relativeRuleClasses)
        }
    }

    public static func build(_ items: [EvaluationItem], options: CellTrainingOptions) -> Result {
        let outcomes = ChunkResults<Swift.Result<LabelledImage, EvaluationError>>(items.count, chunks: items.count)
        let previous = Parallel.setThreadLimit(max(1, options.threads))
        Parallel.forEachChunk(items.count, chunks: items.count) { range in
            for i in range {
                do throws(EvaluationError) {
                    outcomes.set(i..<(i + 1), .success(try label(items[i], options: options)))
                } catch {
                    outcomes.set(i..<(i + 1), .failure(error))
                }
            }
        }
        Parallel.setThreadLimit(previous)
        var images: [LabelledImage] = [], failures: [(item: EvaluationItem, error: String)] = []
        for (item, outcome) in zip(items, outcomes.values) {
            switch outcome {
            case .success(let image): images.append(image)
            case .failure(let error): failures.append((item, error.description))
            }
        }
        let names = Set(images.flatMap(\.classNames)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var cells = LabelledCells(classNames: names, groupNames: images.map(\.item.image))
        for (g, image) in images.enumerated() {
            cells.features += image.features
            cells.labels += image.classNames.map { index[$0] ?? 0 }
            cells.groups += [Int](repeating: g, count: image.classNames.count)
        }
        return Result(cells: cells, images: images, failures: failures)
    }

    /// One image: its annotations read, the image segmented, its cells labelled and measured.
    public static func label(_ item: EvaluationItem, options: CellTrainingOptions) throws(EvaluationError) -> LabelledImage {
        let (points, regions) = try annotations(item.annotationsPath)
        let image: RGBImage
        do { image = try ImageReader.read(item.imagePath) } catch {
            throw EvaluationError(path: error.path, reason: error.reason)
        }
        var settings = options.settings
        settings.threads = 1
        if let p = item.pixelSizeMicrons { settings.pixelSizeMicrons = p }
        let analysis = TileScorer.analyse(image, name: item.image, marker: options.marker, settings: settings)
        let seg = analysis.segmentation, px = analysis.score.pixelSizeMicrons
        var out = LabelledImage(item: item)
        out.annotations = points.count + regions.count
        // Cell label -> index in seg.cells.
        var indexOf = [Int32: Int](minimumCapacity: seg.cells.count)
        for (i, c) in seg.cells.enumerated() { indexOf[c.label] = i }
        var given = [String?](repeating: nil, count: seg.cells.count)
        var conflict = [Bool](repeating: false, count: seg.cells.count)
        func give(_ i: Int, _ name: String) {
            if let old = given[i], old != name { conflict[i] = true } else { given[i] = name }
        }
        let radius = options.matchRadiusMicrons / px
        for p in points {
            let name = className(p.label)
            guard name != AnnotationPoint.unlabelled else { out.unlabelledPoints += 1; continue }
            let x = Int(p.x.rounded(.down)), y = Int(p.y.rounded(.down))
            if x >= 0, y >= 0, x < seg.width, y < seg.height, let i = indexOf[seg.cellLabels[y * seg.width + x]] {
                give(i, name); continue
            }
            var best: Int?, bestD2 = radius * radius
            for (i, c) in seg.cells.enumerated() {
                let dx = c.centroidX - p.x, dy = c.centroidY - p.y, d2 = dx * dx + dy * dy
                if d2 <= bestD2 { best = i; bestD2 = d2 }
            }
            if let best { give(best, name) } else { out.unmatchedPoints += 1 }
        }
        for region in regions where !region.isIgnored && !region.className.isEmpty {
            let name = className(AnnotationPoint.normalise(region.className))
            for (i, c) in seg.cells.enumerated() where region.shape.contains(x: c.centroidX, y: c.centroidY) { give(i, name) }
        }
        let features = CellFeatures.compute(seg, planes: analysis.planes, pixelSizeMicrons: px)
        var relative = MorphologyRule(parameters: TileScorer.cellParameters(for: options.marker, pixelSizeMicrons: px, settings: settings))
        relative.relativeToNeighbours = true
        let relativeRoles = relative.classify(seg, planes: analysis.planes, pixelSizeMicrons: px).map { relative.roles[$0] }
        let d = CellFeatures.dimension
        for i in seg.cells.indices {
            guard let name = given[i] else { continue }
            if conflict[i] { out.conflictingCells += 1; continue }
            out.classNames.append(name)
            out.ruleClasses.append(seg.cells[i].cellClass)
            out.relativeRuleClasses.append(relativeRoles[i])
            out.centroids.append((seg.cells[i].centroidX, seg.cells[i].centroidY))
            out.features += features.values[(i * d)..<((i + 1) * d)]
        }
        return out
    }

    /// A normalised annotation label as a class name: positive and negative are tumour cells.
    public static func className(_ label: String) -> String {
        label == AnnotationPoint.positive || label == AnnotationPoint.negative ? "tumour" : label
    }

    /// The points and polygons of an annotation file: a TSV/CSV point table, or GeoJSON with
    /// points, polygons or both.
    static func annotations(_ path: String) throws(EvaluationError) -> (points: [AnnotationPoint], regions: [AnnotationRegion]) {
        let points: [AnnotationPoint]
        do { points = try AnnotationFile.read(path) } catch {
            // A GeoJSON file of polygons only has no points: its regions label the cells.
            guard let regions = try? GeoJSONRegions.read(path) else { throw error }
            return ([], regions)
        }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ext != "tsv", ext != "csv", ext != "txt" else { return (points, []) }
        return (points, (try? GeoJSONRegions.read(path)) ?? [])
    }
}
