import StainShiftScoring
import StainShiftFoundation

/// The `stainshift evaluate --json` document: settings, the overall and per-source summaries, one
/// object per image and the failures. Keys in a fixed order; undefined ratios are null.
public enum EvaluationJSON {
    public static func render(_ result: EvaluationResult) -> String { value(result).render() + "\n" }

    public static func value(_ result: EvaluationResult) -> JSONText {
        .object([
            ("marker", .string(result.marker)),
            ("match_radius_um", .number(result.matchRadiusMicrons)),
            ("overall", summary(result.overall)),
            ("sources", .object(result.sources.map { ($0.name, summary($0)) })),
            ("images", .array(result.images.map(image))),
            ("failures", .array(result.failures.map { f in
                .object([("image", .string(f.item.image)), ("annotations", .string(f.item.annotations)),
                         ("source", .string(f.item.source)), ("error", .string(f.error))])
            })),
        ])
    }

    static func optional(_ v: Double?) -> JSONText { v.map { .number($0) } ?? .null }

    static func detection(_ c: EvaluationCounts) -> JSONText {
        .object([("precision", optional(c.precision)), ("recall", optional(c.recall)), ("f1", optional(c.f1)),
                 ("tp", .int(c.truePositives)), ("fp", c.completeImages > 0 ? .int(c.falsePositives) : .null),
                 ("fn", .int(c.falseNegatives))])
    }

    static func classes(_ c: EvaluationCounts) -> JSONText {
        let names = c.labels.keys.filter { $0 != AnnotationPoint.positive && $0 != AnnotationPoint.negative }.sorted()
        return .object(names.map { name in
            let l = c.labels[name] ?? LabelCounts()
            var members: [(String, JSONText)] = [("points", .int(l.points)), ("matched", .int(l.matched)),
                                                 ("recall", optional(EvaluationCounts.ratio(l.matched, l.points)))]
            if ImageEvaluation.scorerClasses.contains(name) {
                members.append(("class_recall", optional(EvaluationCounts.ratio(l.calledSame, l.matched))))
                members.append(("precision", optional(EvaluationCounts.ratio(l.calledSame, c.calledAs[name] ?? 0))))
            }
            return (name, .object(members))
        })
    }

    static func counts(_ c: EvaluationCounts) -> [(String, JSONText)] {
        [("points", .int(c.points)), ("positive", .int(c.positives)), ("negative", .int(c.negatives)),
         ("cells", .int(c.cells)), ("detection", detection(c)),
         ("positivity_agreement", optional(c.positivityAgreement)), ("classes", classes(c))]
    }

    static func summary(_ s: EvaluationSummary) -> JSONText {
        let c = s.counts
        let index: JSONText = c.truthIndex.map { truth in
            .object([("truth", .number(truth)), ("measured", optional(c.measuredIndex)),
                     ("error", optional(c.measuredIndex.map { $0 - truth }))])
        } ?? .null
        return .object([("images", .int(c.images)), ("complete_images", .int(c.completeImages))] + counts(c) + [
            ("index", index), ("matched_index", optional(c.matchedIndex)),
            ("index_images", .int(s.index.images)), ("index_mae", optional(s.index.meanAbsoluteError)),
            ("index_r", optional(s.index.pearsonR)), ("index_max_error", optional(s.index.maxError)),
        ])
    }

    static func image(_ e: ImageEvaluation) -> JSONText {
        let index: JSONText = e.truthIndex.map { truth in
            .object([("truth", .number(truth)), ("measured", .number(e.measuredIndex)),
                     ("error", .number(e.measuredIndex - truth))])
        } ?? .null
        return .object([
            ("image", .string(e.item.image)), ("annotations", .string(e.item.annotations)),
            ("source", .string(e.item.source)), ("complete", .bool(e.item.complete)),
            ("pixel_size_um", .number(e.pixelSizeMicrons)), ("match_radius_px", .number(e.radiusPixels)),
        ] + counts(e.counts) + [
            ("index", index), ("matched_index", optional(e.counts.matchedIndex)),
            ("percent_positive", .number(e.measuredIndex)),
        ])
    }
}
