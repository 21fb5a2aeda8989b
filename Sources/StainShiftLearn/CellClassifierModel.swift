import Foundation
import StainShiftCells

/// A class of a trained model: the name the annotations gave it and how it counts in scores.
public struct ModelClass: Sendable, Equatable, Codable {
    public var name: String
    public var role: CellClass

    public init(name: String, role: CellClass) { self.name = name; self.role = role }

    /// The scoring role of an annotation class name, case-insensitively: tumour/tumor/epithelium/
    /// epithelial (and BCData's positive/negative tumour cells) -> tumour; lymphocyte/immune/
    /// macrophage/plasma -> lymphocyte; stroma/stromal/fibroblast/endothelium -> stroma; else other.
    /// Plural forms and a derived class's first part ("Tumor: Positive") count too.
    public static func role(of name: String) -> CellClass {
        var s = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let first = s.split(separator: ":").first, s.contains(":") { s = first.trimmingCharacters(in: .whitespaces) }
        if s.hasSuffix("s"), s.count > 3, !s.hasSuffix("ss") { s.removeLast() }
        switch s {
        case "tumor", "tumour", "epithelium", "epithelial", "epithelial cell", "tumor cell", "tumour cell", "positive", "negative":
            return .tumour
        case "lymphocyte", "immune", "immune cell", "macrophage", "plasma", "plasma cell":
            return .lymphocyte
        case "stroma", "stromal", "fibroblast", "endothelium", "endothelial", "stromal cell":
            return .stroma
        default:
            return .other
        }
    }
}

/// Per-class precision and recall and the confusion matrix of a cross-validation.
public struct CrossValidationSummary: Sendable, Equatable, Codable {
    public var folds: Int
    /// Rows: true class; columns: predicted class (class index order).
    public var confusion: [[Int]]
    /// nil where a class was never predicted (precision) or never present (recall).
    public var precision: [Double?]
    public var recall: [Double?]

    public init(folds: Int, confusion: [[Int]]) {
        self.folds = folds; self.confusion = confusion
        let k = confusion.count
        precision = (0..<k).map { c in
            let predicted = confusion.reduce(0) { $0 + $1[c] }
            return predicted > 0 ? Double(confusion[c][c]) / Double(predicted) : nil
        }
        recall = (0..<k).map { c in
            let present = confusion[c].reduce(0, +)
            return present > 0 ? Double(confusion[c][c]) / Double(present) : nil
        }
    }

    /// Correctly classified cells over all cells.
    public var accuracy: Double? {
        let total = confusion.reduce(0) { $0 + $1.reduce(0, +) }
        return total > 0 ? Double(confusion.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(total) : nil
    }
}

/// One feature's mean decrease in impurity.
public struct FeatureImportance: Sendable, Equatable, Codable {
    public var feature: String
    public var importance: Double
    public init(feature: String, importance: Double) { self.feature = feature; self.importance = importance }
}

/// A trained model against the morphology rule on held-out images, by scoring role: confusion
/// matrices over `CellClass.allCases` (rows: the annotation's role, columns: the predicted one).
public struct RoleComparison: Sendable, Equatable, Codable {
    public var images: Int
    public var roles: [CellClass]
    public var forest: [[Int]]
    public var rule: [[Int]]
    /// The rule with its hematoxylin cut relative to the neighbours (`MorphologyRule.relativeToNeighbours`).
    public var relativeRule: [[Int]]?

    /// `truth`, `forest` and `rule`: one role per held-out cell.
    public init(images: Int, truth: [CellClass], forest predicted: [CellClass], rule ruled: [CellClass],
                relativeRule relative: [CellClass]? = nil) {
        self.images = images
        roles = CellClass.allCases
        func matrix(_ p: [CellClass]) -> [[Int]] {
            var m = [[Int]](repeating: [Int](repeating: 0, count: CellClass.allCases.count), count: CellClass.allCases.count)
            for (t, q) in zip(truth, p) {
                if let i = CellClass.allCases.firstIndex(of: t), let j = CellClass.allCases.firstIndex(of: q) { m[i][j] += 1 }
            }
            return m
        }
        forest = matrix(predicted); rule = matrix(ruled)
        relativeRule = relative.map(matrix)
    }

    /// Recall of each role (nil where no held-out cell has it).
    public static func recall(_ m: [[Int]]) -> [Double?] {
        m.indices.map { i in
            let n = m[i].reduce(0, +)
            return n > 0 ? Double(m[i][i]) / Double(n) : nil
        }
    }
}

/// What a model was trained on and how well it cross-validated.
public struct TrainingSummary: Sendable, Equatable, Codable {
    /// Labelled cells per class, in class order.
    public var cellsPerClass: [Int]
    public var images: Int
    /// The marker and settings the cells were detected with (features depend on detection).
    public var marker: String?
    public var crossValidation: CrossValidationSummary?
    /// Most important first.
    public var importance: [FeatureImportance]
    /// Held-out images (`train-cells --holdout`), against the morphology rule.
    public var holdout: RoleComparison?

    public init(cellsPerClass: [Int], images: Int, marker: String? = nil, crossValidation: CrossValidationSummary? = nil,
                importance: [FeatureImportance] = []) {
        self.cellsPerClass = cellsPerClass; self.images = images; self.marker = marker
        self.crossValidation = crossValidation; self.importance = importance
    }
}

/// A problem with a model file: one line naming it.
public struct CellModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}

/// A trained cell classifier as written by `stainshift train-cells` (JSON, snake_case keys).
public struct CellClassifierModel: Sendable, Equatable, Codable {
    public static let formatName = "stainshift-cell-classifier"
    public static let currentFormatVersion = 1

    public var format: String = CellClassifierModel.formatName
    public var formatVersion: Int = CellClassifierModel.currentFormatVersion
    public var stainshiftVersion: String
    public var features: [String]
    public var classes: [ModelClass]
    public var parameters: ForestParameters
    public var training: TrainingSummary
    public var trees: [DecisionTree]
    /// Each class's vote weight (`CellClassifierTrainer.voteWeights`: the mean tree probability is
    /// multiplied by it before the most probable class is taken); nil: equal votes.
    public var voteWeights: [Double]?

    public init(stainshiftVersion: String, features: [String] = CellFeatures.names, classes: [ModelClass],
                parameters: ForestParameters, training: TrainingSummary, trees: [DecisionTree]) {
        self.stainshiftVersion = stainshiftVersion; self.features = features; self.classes = classes
        self.parameters = parameters; self.training = training; self.trees = trees
    }

    public var forest: RandomForest {
        RandomForest(featureCount: features.count, classCount: classes.count, trees: trees,
                     importance: training.importance.map(\.importance))
    }

    /// Compact JSON, keys sorted: the same model gives the same bytes.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain numbers, strings and arrays cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The model in `data`; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(CellModelError) -> CellClassifierModel {
        func fail(_ reason: String) -> CellModelError { CellModelError(path: path, reason: reason) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw fail("not a cell classifier model (malformed JSON or not an object)")
        }
        guard object["format"] as? String == formatName else {
            throw fail("not a cell classifier model (format is not '\(formatName)')")
        }
        guard let version = (object["format_version"] as? NSNumber)?.intValue else { throw fail("no format_version") }
        guard version == currentFormatVersion else {
            throw fail("format version \(version), this StainShift reads version \(currentFormatVersion)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let model: CellClassifierModel
        do { model = try decoder.decode(CellClassifierModel.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw fail("missing '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(context) {
            throw fail("bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw fail("wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw fail("unreadable model")
        }
        guard model.features == CellFeatures.names else {
            let first = zip(model.features, CellFeatures.names).first { $0 != $1 }
            let detail = first.map { "'\($0.0)' where this StainShift has '\($0.1)'" }
                ?? "\(model.features.count) features, this StainShift computes \(CellFeatures.names.count)"
            throw fail("features differ from this StainShift's (\(detail)); retrain with stainshift train-cells")
        }
        guard model.classes.count >= 2 else { throw fail("fewer than two classes") }
        guard !model.trees.isEmpty else { throw fail("no trees") }
        if let w = model.voteWeights, w.count != model.classes.count || !w.allSatisfy({ $0.isFinite && $0 > 0 }) {
            throw fail("vote_weights must be one positive number per class")
        }
        for (t, tree) in model.trees.enumerated() {
            if let problem = tree.problem(featureCount: model.features.count, classCount: model.classes.count) {
                throw fail("tree \(t + 1): \(problem)")
            }
        }
        return model
    }

    public static func read(_ path: String) throws(CellModelError) -> CellClassifierModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CellModelError(path: path, reason: exists ? "cannot be read" : "no such file")
        }
        return try parse(data, path: path)
    }
}
