/// Expert points from a TSV or CSV file with a header holding `x`, `y` and `label` (other columns
/// are ignored): image pixel coordinates, origin top-left. A header with no rows is an image with
/// no labelled cell, which is valid (a lymphocyte-only source has tiles without lymphocytes).
public enum PointTable {
    public static func read(_ path: String) throws(EvaluationError) -> [AnnotationPoint] {
        let table = try DelimitedText.read(path)
        try table.require(["x", "y", "label"])
        var points: [AnnotationPoint] = []
        points.reserveCapacity(table.rows.count)
        for (line, row) in table.rows {
            func coordinate(_ name: String) throws(EvaluationError) -> Double {
                let text = row[name] ?? ""
                guard let v = Double(text), v.isFinite else {
                    throw EvaluationError(path: path, line: line, reason: "\(name) '\(text)' is not a number")
                }
                return v
            }
            points.append(AnnotationPoint(x: try coordinate("x"), y: try coordinate("y"),
                                          label: AnnotationPoint.normalise(row["label"] ?? "")))
        }
        return points
    }
}
