import StainShiftClassify
import StainShiftCohort
import StainShiftFoundation

/// MultiQC custom content (https://docs.seqera.io/multiqc/custom_content): files ending in
/// `_mqc.tsv` / `_mqc.json` that any MultiQC run over the output folder picks up without
/// configuration. Both sections share the parent `stainshift`, so they appear together.
///
/// - `stainshift_mqc.tsv`: one row per patient: PD-L1 group, benefit and TPS change.
/// - `stainshift_mqc.json`: one row per patient: pre, post and delta of each marker's main score.
enum MultiQCContent {
    static let parentID = "stainshift"
    static let parentName = "StainShift"
    static let parentDescription = "IHC staining before and after radiotherapy (research use only)."

    static func tsv(_ result: CohortResult, options: ReportOptions) -> String {
        let view = CohortView(result, options: options)
        let others = view.markers.filter { $0 != "pdl1" }.compactMap { m in view.mainMetric[m].map { (m, $0) } }
        var columns: [(key: String, title: String, description: String, extra: [String])] = [
            ("pdl1_group", "PD-L1 group", "Change of PD-L1 TPS after radiotherapy: increase, decrease, no_change or insufficient", []),
            ("benefit", "Benefit", "Predicted benefit from adding anti-PD-1/PD-L1 therapy (research hypothesis)", []),
            ("tps_pre", "TPS pre", "PD-L1 tumour proportion score before radiotherapy (%)", ["min: 0", "max: 100", "suffix: '%'"]),
            ("tps_post", "TPS post", "PD-L1 tumour proportion score after radiotherapy (%)", ["min: 0", "max: 100", "suffix: '%'"]),
            ("tps_delta", "\u{0394} TPS", "Post - pre PD-L1 TPS (percentage points)", ["scale: 'RdBu'"]),
            ("tps_ci_low", "\u{0394} TPS CI low", "Lower limit of the 95% bootstrap interval of the TPS change", []),
            ("tps_ci_high", "\u{0394} TPS CI high", "Upper limit of the 95% bootstrap interval of the TPS change", []),
        ]
        for (marker, metric) in others {
            columns.append(("\(key(marker))_\(key(metric))_delta", "\u{0394} \(MetricInfo.markerName(marker)) \(MetricInfo.metricName(metric))",
                            "Post - pre \(MetricInfo.markerName(marker)) \(MetricInfo.metricName(metric))", ["scale: 'RdBu'"]))
        }
        columns.append(("stain_drift_deg", "Stain drift", "Largest angle between the patient's pre and post stain vectors (degrees)",
                        ["suffix: '\u{00B0}'", "format: '{:,.2f}'"]))
        columns.append(("tiles", "Tiles", "Tiles scored for this patient", ["format: '{:,.0f}'"]))
        columns.append(("qc_flags", "QC flags", "QC flags raised for this patient's tiles, slides or calls", []))

        var lines = [
            "# id: 'stainshift_groups'",
            "# section_name: 'PD-L1 groups and benefit'",
            "# description: 'Per patient: PD-L1 change group, benefit call and TPS before and after radiotherapy. Research use only.'",
            "# parent_id: '\(parentID)'",
            "# parent_name: '\(parentName)'",
            "# parent_description: '\(parentDescription)'",
            "# plot_type: 'table'",
            "# pconfig:",
            "#     id: 'stainshift_groups_table'",
            "#     namespace: 'StainShift'",
            "#     col1_header: 'Patient'",
            "# headers:",
        ]
        for column in columns {
            lines.append("#     \(column.key):")
            lines.append("#         title: '\(yaml(column.title))'")
            lines.append("#         description: '\(yaml(column.description))'")
            for extra in column.extra { lines.append("#         \(extra)") }
        }
        lines.append((["Sample"] + columns.map(\.key)).joined(separator: "\t"))
        for patient in view.patients {
            let call = view.calls[patient]
            let tps = view.tpsChange(patient)
            var row = [cell(patient), call?.pdl1Group.rawValue ?? "", call?.benefit.rawValue ?? "",
                       number(view.tps(patient, .pre)), number(view.tps(patient, .post)), number(tps?.delta),
                       number(tps?.ciLow), number(tps?.ciHigh)]
            for (marker, metric) in others { row.append(number(view.change(patient, marker, metric)?.delta)) }
            row.append(number(call?.stainDriftDegrees, decimals: ReportFormat.angleDecimals))
            row.append(String(view.tiles[patient]?.count ?? 0))
            row.append(cell(HTMLReport(view).patientFlags(patient).joined(separator: ",")))
            lines.append(row.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ result: CohortResult, options: ReportOptions) -> String {
        let view = CohortView(result, options: options)
        let mains = view.markers.compactMap { m in view.mainMetric[m].map { (m, $0) } }
        var headers: [(String, JSONText)] = []
        for (marker, metric) in mains {
            let name = "\(MetricInfo.markerName(marker)) \(MetricInfo.metricName(metric))"
            let base = "\(key(marker))_\(key(metric))"
            var bounds: [(String, JSONText)] = []
            if let range = MetricInfo.range(metric) {
                bounds = [("min", .number(range.lowerBound)), ("max", .number(range.upperBound))]
            }
            headers.append((base + "_pre", .object([("title", .string("\(name) pre")),
                                                    ("description", .string("\(name) before radiotherapy: \(MetricInfo.unit(metric))")),
                                                    ("format", .string("{:,.2f}"))] + bounds)))
            headers.append((base + "_post", .object([("title", .string("\(name) post")),
                                                     ("description", .string("\(name) after radiotherapy: \(MetricInfo.unit(metric))")),
                                                     ("format", .string("{:,.2f}"))] + bounds)))
            headers.append((base + "_delta", .object([("title", .string("\u{0394} \(name)")),
                                                      ("description", .string("Post - pre \(name); 95% CI in changes.tsv")),
                                                      ("format", .string("{:,.2f}")), ("scale", .string("RdBu"))])))
        }
        var data: [(String, JSONText)] = []
        for patient in view.patients {
            var row: [(String, JSONText)] = []
            for (marker, metric) in mains {
                guard let c = view.change(patient, marker, metric) else { continue }
                let base = "\(key(marker))_\(key(metric))"
                for (suffix, value) in [("_pre", c.pre), ("_post", c.post), ("_delta", c.delta)] where value.isFinite {
                    row.append((base + suffix, .decimal(value, places: ReportFormat.decimals)))
                }
            }
            if !row.isEmpty { data.append((patient, .object(row))) }
        }
        let document = JSONText.object([
            ("id", .string("stainshift_markers")),
            ("section_name", .string("Marker changes")),
            ("description", .string("Per patient: each marker's main score before and after radiotherapy and its change. Research use only.")),
            ("parent_id", .string(parentID)),
            ("parent_name", .string(parentName)),
            ("parent_description", .string(parentDescription)),
            ("plot_type", .string("table")),
            ("pconfig", .object([("id", .string("stainshift_markers_table")), ("namespace", .string("StainShift")),
                                 ("col1_header", .string("Patient"))])),
            ("headers", .object(headers)),
            ("data", .object(data)),
        ])
        return document.render() + "\n"
    }

    /// Column keys from marker and score names: lower-case ASCII letters, digits and `_`.
    static func key(_ name: String) -> String {
        String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// A TSV cell: tabs and line breaks would split the row, so they become spaces.
    static func cell(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// Numbers as in the TSV tables; an empty cell when absent, which MultiQC leaves blank.
    static func number(_ value: Double?, decimals: Int = ReportFormat.decimals) -> String {
        guard let value, value.isFinite else { return "" }
        return ReportFormat.number(value, decimals: decimals)
    }

    /// Inside single-quoted YAML, a quote is written twice.
    static func yaml(_ text: String) -> String { text.replacingOccurrences(of: "'", with: "''") }
}
