import StainShiftCells

/// One image checked against its expert points: the counts, the scorer's own index, and which
/// point matched which cell (for the overlay).
public struct ImageEvaluation: Sendable, Equatable {
    public var item: EvaluationItem
    /// The pixel size the scorer used, and the match radius in pixels that follows from it.
    public var pixelSizeMicrons: Double
    public var radiusPixels: Double
    public var counts: EvaluationCounts
    /// The scorer's `percent_positive` for the image, as `stainshift score` reports it.
    public var measuredIndex: Double
    /// Per point: the index of its matched cell, or nil.
    public var matches: [Int?]
    public var points: [AnnotationPoint]
    public var cells: [DetectedCell]

    /// 100 x positive / (positive + negative) points; nil without positivity labels.
    public var truthIndex: Double? { counts.truthIndex }
    /// Measured minus true index, in percentage points; nil without positivity labels.
    public var indexError: Double? { truthIndex.map { measuredIndex - $0 } }

    /// The classes the scorer assigns (every `CellClass` role: the morphology rule gives tumour and
    /// lymphocyte, a trained classifier stroma and other too), whose precision can be measured.
    public static let scorerClasses = Set(CellClass.allCases.map(\.rawValue))

    /// Matches `points` to `cells` within `radiusPixels` and counts the outcome. `scored` is the
    /// scorer's (positive, total) of the cells its percent positive counts, `measuredIndex` that percentage.
    public static func evaluate(_ item: EvaluationItem, points: [AnnotationPoint], cells: [DetectedCell],
                                pixelSizeMicrons: Double, radiusMicrons: Double,
                                measuredIndex: Double, scored: (positive: Int, total: Int)) -> ImageEvaluation {
        let radius = radiusMicrons / pixelSizeMicrons
        let matches = PointMatcher.match(points: points.map { ($0.x, $0.y) }, centres: cells.map { ($0.x, $0.y) },
                                         radius: radius)
        var c = EvaluationCounts()
        c.images = 1
        c.points = points.count
        c.cells = cells.count
        for (p, m) in zip(points, matches) {
            if p.label == AnnotationPoint.positive { c.positives += 1 }
            if p.label == AnnotationPoint.negative { c.negatives += 1 }
            var label = c.labels[p.label] ?? LabelCounts()
            label.points += 1
            if let m {
                c.truePositives += 1
                label.matched += 1
                let cell = cells[m]
                if p.isPositivity {
                    c.positivityCompared += 1
                    if cell.positive == (p.label == AnnotationPoint.positive) { c.positivityAgreed += 1 }
                    if cell.positive { c.matchedCalledPositive += 1 }
                } else if p.label != AnnotationPoint.unlabelled {
                    c.calledAs[cell.cellClass, default: 0] += 1
                    if cell.cellClass == p.label { label.calledSame += 1 }
                }
            } else {
                c.falseNegatives += 1
            }
            c.labels[p.label] = label
        }
        if item.complete {
            c.completeImages = 1
            c.completeTruePositives = c.truePositives
            c.completeFalseNegatives = c.falseNegatives
            c.falsePositives = cells.count - c.truePositives
        }
        if c.positives + c.negatives > 0 {
            c.scoredPositive = scored.positive
            c.scoredTotal = scored.total
        }
        return ImageEvaluation(item: item, pixelSizeMicrons: pixelSizeMicrons, radiusPixels: radius, counts: c,
                               measuredIndex: measuredIndex, matches: matches, points: points, cells: cells)
    }
}
