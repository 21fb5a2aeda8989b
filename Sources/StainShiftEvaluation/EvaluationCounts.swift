/// What one label's points did: how many there were, how many a cell matched, and how many of
/// those the scorer gave the same class.
public struct LabelCounts: Sendable, Equatable {
    public var points = 0
    public var matched = 0
    /// Matched points whose cell the scorer called by this label's class (only for classes the scorer has).
    public var calledSame = 0
    public init() {}

    static func + (a: LabelCounts, b: LabelCounts) -> LabelCounts {
        var s = a
        s.points += b.points; s.matched += b.matched; s.calledSame += b.calledSame
        return s
    }
}

/// Additive counts of an evaluation: an image's, or the sum over a source's or all images, from
/// which every ratio is taken at the end (as tiles add up to slides).
public struct EvaluationCounts: Sendable, Equatable {
    public var images = 0
    public var points = 0
    public var positives = 0
    public var negatives = 0
    public var cells = 0
    /// Matched points (true positives) and unmatched points (false negatives), over every image.
    public var truePositives = 0
    public var falseNegatives = 0
    /// The same over completely labelled images only, with their unmatched cells (false positives):
    /// precision and F1 come from these, so an incompletely labelled image never counts against precision.
    public var completeImages = 0
    public var completeTruePositives = 0
    public var completeFalseNegatives = 0
    public var falsePositives = 0
    /// Matched positive/negative points, and how many of them the cell's call agrees with.
    public var positivityCompared = 0
    public var positivityAgreed = 0
    /// Of the matched positive/negative points, those whose cell the scorer called positive.
    public var matchedCalledPositive = 0
    /// Cells the scorer's percent positive counts (positive, total), over images with positivity labels.
    public var scoredPositive = 0
    public var scoredTotal = 0
    /// Per label: points, matches and class agreement.
    public var labels: [String: LabelCounts] = [:]
    /// Per scorer class: matched points with a class label (not positive/negative) whose cell it called so.
    public var calledAs: [String: Int] = [:]

    public init() {}

    public static func + (a: EvaluationCounts, b: EvaluationCounts) -> EvaluationCounts {
        var s = a
        s.images += b.images; s.points += b.points; s.positives += b.positives; s.negatives += b.negatives
        s.cells += b.cells; s.truePositives += b.truePositives; s.falseNegatives += b.falseNegatives
        s.completeImages += b.completeImages; s.completeTruePositives += b.completeTruePositives
        s.completeFalseNegatives += b.completeFalseNegatives; s.falsePositives += b.falsePositives
        s.positivityCompared += b.positivityCompared; s.positivityAgreed += b.positivityAgreed
        s.matchedCalledPositive += b.matchedCalledPositive
        s.scoredPositive += b.scoredPositive; s.scoredTotal += b.scoredTotal
        s.labels.merge(b.labels) { $0 + $1 }
        s.calledAs.merge(b.calledAs) { $0 + $1 }
        return s
    }

    // MARK: Ratios (nil when undefined)

    static func ratio(_ n: Int, _ d: Int) -> Double? { d > 0 ? Double(n) / Double(d) : nil }
    static func percent(_ n: Int, _ d: Int) -> Double? { d > 0 ? 100 * Double(n) / Double(d) : nil }

    /// Matched points / points.
    public var recall: Double? { Self.ratio(truePositives, truePositives + falseNegatives) }
    /// Over complete images: matched cells / cells; nil when no image is completely labelled.
    public var precision: Double? {
        completeImages > 0 ? Self.ratio(completeTruePositives, completeTruePositives + falsePositives) : nil
    }
    /// Harmonic mean of precision and recall over complete images.
    public var f1: Double? {
        guard completeImages > 0 else { return nil }
        return Self.ratio(2 * completeTruePositives, 2 * completeTruePositives + falsePositives + completeFalseNegatives)
    }
    public var positivityAgreement: Double? { Self.ratio(positivityAgreed, positivityCompared) }
    /// 100 x positive / (positive + negative) labels; nil without positivity labels.
    public var truthIndex: Double? { Self.percent(positives, positives + negatives) }
    /// 100 x positive / scored cells (pooled over the images with positivity labels).
    public var measuredIndex: Double? {
        positives + negatives > 0 ? (Self.percent(scoredPositive, scoredTotal) ?? 0) : nil
    }
    /// 100 x matched positive/negative points called positive / matched positive/negative points.
    public var matchedIndex: Double? { Self.percent(matchedCalledPositive, positivityCompared) }
}
