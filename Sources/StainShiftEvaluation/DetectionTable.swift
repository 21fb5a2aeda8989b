/// Cells found by another tool, for evaluating it exactly as StainShift is evaluated: a TSV or CSV
/// with `x`, `y` (nucleus centroid, image pixels) and optional `positive` (`1`/`0`, `yes`/`no`,
/// `true`/`false`) and `class` columns. Its index is 100 x positive / rows.
public enum DetectionTable {
    public static func read(_ path: String) throws(EvaluationError) -> [DetectedCell] {
        let table = try DelimitedText.read(path)
        try table.require(["x", "y"])
        var cells: [DetectedCell] = []
        for (line, row) in table.rows {
            func coordinate(_ name: String) throws(EvaluationError) -> Double {
                let text = row[name] ?? ""
                guard let v = Double(text), v.isFinite else {
                    throw EvaluationError(path: path, line: line, reason: "\(name) '\(text)' is not a number")
                }
                return v
            }
            var positive = false
            if let text = row["positive"]?.lowercased(), !text.isEmpty {
                switch text {
                case "1", "yes", "true": positive = true
                case "0", "no", "false": positive = false
                default: throw EvaluationError(path: path, line: line, reason: "positive '\(text)' is not 1 or 0")
                }
            }
            let cls = AnnotationPoint.normalise(row["class"] ?? "tumour")
            cells.append(DetectedCell(x: try coordinate("x"), y: try coordinate("y"),
                                      cellClass: cls == AnnotationPoint.unlabelled ? "tumour" : cls, positive: positive))
        }
        return cells
    }
}
