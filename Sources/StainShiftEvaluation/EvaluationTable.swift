import Foundation

/// `evaluate --table`: one TSV row per image; and the short per-source summary printed on stderr.
public enum EvaluationTable {
    public static let columns = [
        "source", "image", "complete", "points", "positive", "negative", "cells", "tp", "fp", "fn",
        "precision", "recall", "f1", "positivity_agreement", "index_truth", "index_measured", "index_error",
        "matched_index",
    ]

    static func f(_ v: Double?, _ digits: Int = 4) -> String {
        guard let v, v.isFinite else { return "NA" }
        return String(format: "%.\(digits)f", v)
    }

    public static func tsv(_ result: EvaluationResult) -> String {
        var s = columns.joined(separator: "\t") + "\n"
        for e in result.images {
            let c = e.counts
            let row: [String] = [
                e.item.source, e.item.image, e.item.complete ? "yes" : "no", String(c.points), String(c.positives),
                String(c.negatives), String(c.cells), String(c.truePositives),
                e.item.complete ? String(c.falsePositives) : "NA", String(c.falseNegatives),
                f(c.precision), f(c.recall), f(c.f1), f(c.positivityAgreement),
                f(e.truthIndex, 2), f(e.truthIndex == nil ? nil : e.measuredIndex, 2), f(e.indexError, 2),
                f(c.matchedIndex, 2),
            ]
            s += row.joined(separator: "\t") + "\n"
        }
        return s
    }

    /// A fixed-width table: per source, then overall: images, points, recall, precision, F1,
    /// positivity agreement and the index MAE, r and largest error; `-` where undefined.
    public static func summary(_ result: EvaluationResult) -> String {
        let header = ["source", "images", "points", "recall", "precision", "F1", "agree", "MAE", "r", "max err"]
        var rows = [header]
        for s in result.sources + [result.overall] {
            let c = s.counts
            func g(_ v: Double?, _ d: Int = 3) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "-" }
            rows.append([s.name, String(c.images), String(c.points), g(c.recall), g(c.precision), g(c.f1),
                         g(c.positivityAgreement), g(s.index.meanAbsoluteError, 1), g(s.index.pearsonR, 2),
                         g(s.index.maxError, 1)])
        }
        let widths = header.indices.map { k in rows.map { $0[k].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { k, v in
                k == 0 ? v.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[k] - v.count) + v
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
