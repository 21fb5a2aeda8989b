import ArgumentParser
import Foundation
import StainShift

/// `stainshift train-cells --annotations LIST.tsv -o MODEL.json`: a random-forest cell classifier
/// from a pathologist's labelled points (CONTRACT).
struct TrainCells: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-cells",
        abstract: "Train a cell classifier (random forest) on labelled points or areas, with grouped cross-validation.",
        discussion: Help.discussion("""
            LIST.tsv is read as `stainshift evaluate` reads it (image, annotations [, source, pixel_size]). \
            Each image is segmented as `stainshift score` segments it with the same options. A point labels \
            the cell it falls in, else the nearest nucleus centre within --match-radius; a GeoJSON polygon \
            labels every cell whose centre lies inside (Ignore* areas are skipped). Class names are the \
            annotations' own (case-insensitive); points labelled positive or negative count as tumour \
            (the BCData convention: only tumour cells carry them). A class's scoring role follows its name: \
            tumour/tumor/epithelium -> tumour, lymphocyte/immune/macrophage/plasma -> immune, \
            stroma/fibroblast/endothelium -> stroma, anything else -> other. Prints on stderr the \
            cross-validated per-class precision and recall (folds group whole images), the confusion \
            matrix and the most important features. Every image must be readable; points that hit no \
            cell are counted in a warning and left out.
            """, examples: [
                "stainshift train-cells --annotations LIST.tsv --marker ki67 -o cells.json",
                "stainshift train-cells --annotations LIST.tsv --marker pdl1 --pixel-size 0.5 --folds 10 --trees 100 --seed 7 -o cells.json",
            ]))

    @Option(help: "Annotation list (TSV or CSV): image, annotations [, source, pixel_size].") var annotations: String
    @Option(name: [.short, .customLong("output")], help: "Model JSON, or - for stdout.") var output: String
    @OptionGroup var scoring: ScoreOptions
    @Option(help: "Cross-validation folds (grouped by image; 1: none).") var folds: Int = 5
    @Option(help: "Trees in the forest.") var trees: Int = 50
    @Option(help: "Deepest split level of a tree.") var maxDepth: Int = 10
    @Option(help: "Fewest training cells in a leaf.") var minLeaf: Int = 5
    @Option(help: "Seed of the bootstrap samples, candidate features and folds.") var seed: UInt64 = 1
    @Flag(inversion: .prefixedNo, help: "Learn each class's vote weight from the cross-validation (out-of-fold recalls made equal; needs --folds 2 or more).")
    var calibrateVotes = true
    @Option(help: "Bootstrap of each tree: balanced (as many cells of every class as the smallest class has) or plain (n cells of all, classes weighted).") var bootstrap: ForestBootstrap = .balanced
    @Option(help: "A point labels the nearest nucleus centre within this many µm when it hits no cell.") var matchRadius: Double = 4
    @Option(help: "Another annotation list, never trained on: the model and the morphology rule are compared on it by role (recorded in the model).") var holdout: String?
    @Option(help: "Also write the labelled cells' feature rows (image, class, then the features) as TSV, or - for stdout.") var features: String?

    func validate() throws {
        guard (1...10_000).contains(folds) else { throw ValidationError("--folds must be 1-10000 (more folds than images: one per image)") }
        guard (1...1000).contains(trees) else { throw ValidationError("--trees must be 1-1000") }
        guard (1...30).contains(maxDepth) else { throw ValidationError("--max-depth must be 1-30") }
        guard minLeaf >= 1 else { throw ValidationError("--min-leaf must be at least 1") }
        guard matchRadius.isFinite, matchRadius > 0 else { throw ValidationError("--match-radius must be a positive number of µm") }
    }

    func run() throws {
        try failing("train-cells") {
            let (marker, settings) = try scoring.resolve("train-cells")
            let items = try Self.list(annotations)
            var options = CellTrainingOptions(marker: marker, settings: settings)
            options.matchRadiusMicrons = matchRadius
            options.threads = scoring.threads ?? ProcessInfo.processInfo.activeProcessorCount
            let set = try Self.labelled(items, options: options)
            var held: CellTrainingSet.Result?
            if let holdout { held = try Self.labelled(try Self.list(holdout), options: options) }
            let unmatched = set.images.reduce(0) { $0 + $1.unmatchedPoints }
            if unmatched > 0 {
                let points = set.images.reduce(0) { $0 + $1.annotations }
                Stderr.line("stainshift train-cells: warning: \(unmatched) of \(points) points hit no cell (none within \(matchRadius) µm); left out")
            }
            let conflicts = set.images.reduce(0) { $0 + $1.conflictingCells }
            if conflicts > 0 { Stderr.line("stainshift train-cells: warning: \(conflicts) cells labelled with two classes; left out") }
            let cells = set.cells
            guard cells.count > 0 else {
                throw CommandFailure(command: "train-cells", detail: "\(annotations): no labelled cells (no annotation fell on a detected cell)")
            }
            guard cells.classNames.count >= 2 else {
                throw CommandFailure(command: "train-cells",
                                     detail: "\(annotations): a single class ('\(cells.classNames[0])'); a classifier needs two or more")
            }
            let parameters = ForestParameters(trees: trees, maxDepth: maxDepth, minLeaf: minLeaf, seed: seed,
                                              balancedBootstrap: bootstrap == .balanced ? true : nil)
            var model = CellClassifierTrainer.train(cells, parameters: parameters, folds: folds,
                                                    stainshiftVersion: StainShiftVersion.current, marker: marker.name,
                                                    calibrateVotes: calibrateVotes)
            if let held, held.cells.count > 0 { model.training.holdout = held.compare(model) }
            try Output.write(model.json(), to: output)
            if let features { try Output.write(Self.featureTable(set), to: features) }
            FileHandle.standardError.write(Data(Self.summary(model).utf8))
        }
    }

    /// An annotation list, an unusable one being a usage error (64).
    static func list(_ path: String) throws -> [EvaluationItem] {
        do throws(EvaluationError) { return try AnnotationList.read(path) } catch {
            throw CommandFailure(command: "train-cells", detail: error.description, code: 64)
        }
    }

    /// The labelled cells of a list; any image that cannot be used fails the command (each named
    /// on its own line), as a model trained on part of the list would be silently different.
    static func labelled(_ items: [EvaluationItem], options: CellTrainingOptions) throws -> CellTrainingSet.Result {
        let set = CellTrainingSet.build(items, options: options)
        for f in set.failures { Stderr.line("stainshift train-cells: \(f.error)") }
        if !set.failures.isEmpty {
            throw CommandFailure(command: "train-cells",
                                 detail: "\(set.failures.count) of \(items.count) images could not be used; no model written")
        }
        return set
    }

    /// One row per labelled cell: its image, class and nucleus centroid (pixels), then its
    /// `CellFeatures` columns.
    static func featureTable(_ set: CellTrainingSet.Result) -> String {
        let d = CellFeatures.dimension, cells = set.cells
        var s = (["image", "class", "x", "y"] + CellFeatures.names).joined(separator: "\t") + "\n"
        let centroids = set.images.flatMap(\.centroids)
        for i in 0..<min(cells.count, centroids.count) {
            s += cells.groupNames[cells.groups[i]] + "\t" + cells.classNames[cells.labels[i]]
            s += "\t" + String(centroids[i].x) + "\t" + String(centroids[i].y)
            for k in 0..<d { s += "\t" + String(cells.features[i * d + k]) }
            s += "\n"
        }
        return s
    }

    /// Classes with cells, role, CV precision and recall; the confusion matrix; the top importances.
    static func summary(_ model: CellClassifierModel) -> String {
        let t = model.training
        let names = model.classes.map(\.name)
        let width = max(8, names.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }
        var s = "\(t.cellsPerClass.reduce(0, +)) labelled cells from \(t.images) images, \(model.trees.count) trees\n"
        let cv = t.crossValidation
        s += cv.map { "cross-validation: \($0.folds) folds grouped by image, accuracy \(f($0.accuracy))\n" }
            ?? "cross-validation: none (one image or --folds 1)\n"
        s += pad("class", width) + "  role        cells  precision  recall\n"
        for (c, m) in model.classes.enumerated() {
            s += pad(m.name, width) + "  " + pad(m.role.rawValue, 10) + String(format: "%7d", t.cellsPerClass[c])
            s += "  " + pad(f(cv?.precision[c] ?? nil), 9) + "  " + f(cv?.recall[c] ?? nil) + "\n"
        }
        if let cv {
            s += "confusion (rows: truth, columns: predicted)\n" + pad("", width) + names.map { "  " + pad($0, width) }.joined() + "\n"
            for (c, row) in cv.confusion.enumerated() {
                s += pad(names[c], width) + row.map { "  " + pad(String($0), width) }.joined() + "\n"
            }
        }
        if let h = t.holdout {
            let forest = RoleComparison.recall(h.forest), rule = RoleComparison.recall(h.rule)
            s += "held-out images (\(h.images)): recall by role, this model vs the morphology rule\n"
            for (i, role) in h.roles.enumerated() where forest[i] != nil {
                s += "  " + pad(role.rawValue, 10) + String(format: "%7d", h.forest[i].reduce(0, +)) + "  " + f(forest[i]) + "  " + f(rule[i]) + "\n"
            }
        }
        s += "top features (mean decrease in impurity)\n"
        for imp in t.importance.prefix(8) { s += String(format: "  %.3f  ", imp.importance) + imp.feature + "\n" }
        return s
    }
}

/// `train-cells --bootstrap`.
enum ForestBootstrap: String, ExpressibleByArgument, CaseIterable {
    case balanced, plain
}
