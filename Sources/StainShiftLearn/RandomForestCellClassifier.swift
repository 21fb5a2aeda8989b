import StainShiftCells
import StainShiftStains

/// A trained random forest as a `CellClassifying`: each cell's `CellFeatures` row through the forest.
public struct RandomForestCellClassifier: CellClassifying {
    public let model: CellClassifierModel
    private let forest: RandomForest

    public init(model: CellClassifierModel) {
        self.model = model
        forest = model.forest
    }

    /// The model in a file written by `stainshift train-cells`.
    public init(path: String) throws(CellModelError) {
        self.init(model: try CellClassifierModel.read(path))
    }

    /// The model shipped with StainShift (`models/default-cells.json`, trained on the dev set by
    /// `models/train-default.sh`), compiled in (`DefaultCellModel.swift`) so no file is needed at
    /// run time. Parsed once; the tests check that it loads.
    public static func shippedDefault() throws(CellModelError) -> RandomForestCellClassifier {
        try shipped.get()
    }

    private static let shipped: Result<RandomForestCellClassifier, CellModelError> = {
        do throws(CellModelError) {
            return .success(RandomForestCellClassifier(model: try CellClassifierModel.parse(Data(DefaultCellModel.json.utf8),
                                                                                            path: DefaultCellModel.name)))
        } catch { return .failure(error) }
    }()

    public var classNames: [String] { model.classes.map(\.name) }
    public var roles: [CellClass] { model.classes.map(\.role) }

    public func classify(_ segmentation: CellSegmentation, planes: StainPlanes, pixelSizeMicrons: Double) -> [Int] {
        let features = CellFeatures.compute(segmentation, planes: planes, pixelSizeMicrons: pixelSizeMicrons)
        return classify(features)
    }

    /// Classes of precomputed feature rows.
    public func classify(_ features: CellFeatures) -> [Int] {
        guard features.count > 0 else { return [] }
        return forest.predict(features.values, weights: model.voteWeights)
    }
}

import Foundation
