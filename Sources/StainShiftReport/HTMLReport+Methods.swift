import StainShiftCells
import StainShiftClassify
import StainShiftCohort
import StainShiftScoring

/// Methods and provenance: what was run, how scores are made, every setting, the stain matrix
/// of each slide, units, and the SHA-256 of every input image.
extension HTMLReport {
    func methods() -> MethodsPart {
        let p = result.provenance
        let run: [(String, String)] = [
            ("StainShift version", p.version),
            ("Run date (UTC)", p.date),
            ("Manifest", p.manifest),
            ("report.json schema version", "\(ReportDocument.schemaVersion)"),
            ("Patients / slides / tiles", "\(view.patients.count) / \(result.slides.count) / \(result.tiles.count)"),
            ("Failed inputs", "\(result.failures.count)"),
        ] + (p.libraries ?? [:]).sorted { $0.key < $1.key }.map { ("Image library \($0.key)", $0.value) }
        let rounding = "Numbers in this report are rounded for reading: percentages, percentage-point changes and "
            + "H-scores to one decimal, counts as integers, TPS categories by name, other scores (OD means, ratios) "
            + "to three decimals; tiles.tsv, slides.tsv, changes.tsv and groups.tsv keep \(ReportFormat.decimals) "
            + "decimals. \(ReportFormat.missing) marks a value that does not exist."
        let settings = p.settings.keys.sorted().map { key in
            (key, key == CohortView.configKey && view.config != nil ? "(the rule and signal tables above)" : p.settings[key] ?? "")
        }
        let units = ReportDocument.units(metrics: view.markers.flatMap { view.metrics(of: $0) })
        let flags = ["low_tissue", "out_of_focus", "saturated", "too_few_cells", "stain_drift", "od_scale_drift"].map {
            ($0, MetricInfo.flagMeaning($0) ?? "")
        }
        let fired = view.config == nil ? firedRules() : []
        let stains = stainRows()
        let inputs = result.tiles.map { tile in
            MethodsPart.Input(image: Text(tile.image), patient: Text(tile.patient), marker: Text(tile.marker),
                              timepoint: Text(tile.timepoint.rawValue), sha256: Text(tile.sha256))
        }
        return MethodsPart(
            runTable: Self.table("run", run),
            paragraphs: (Self.methodsText(p.settings) + [rounding]).map { Text($0) },
            groupRule: Text(groupRuleText() ?? ""),
            config: view.config.map(configTables),
            hasFired: !fired.isEmpty, fired: fired,
            settingsTable: p.settings.isEmpty ? nil : Self.table("settings", settings, code: true),
            hasStains: !stains.isEmpty, stains: stains,
            unitsTable: Self.table("units", units.keys.sorted().map { ($0, units[$0] ?? "") }, code: true),
            flagsTable: Self.table("flags", flags, code: true),
            hasInputs: !inputs.isEmpty, inputs: inputs)
    }

    /// What StainShift does, with the sources of its definitions, and the detection settings, cell
    /// expansion and OD factor the run recorded (`settings`, keys of `StatedSettings`).
    static func methodsText(_ settings: [String: String]) -> [String] {
        let cells: String = "Cells: " + detectionText(settings) + "; each cell's DAB OD reading in the marker's compartment "
            + "is binned as negative, 1+, 2+ or 3+ with the marker's thresholds (\(StatedSettings.thresholdsPrefix)MARKER "
            + "in the settings below). " + readingsText
        return [
            "Colour deconvolution: RGB is converted to optical density (OD = \u{2212}log10(I / I\u{2080})) and "
                + "unmixed into hematoxylin, DAB and residual with the slide's stain matrix (Ruifrok and Johnston, "
                + "Anal Quant Cytol Histol 2001): a preset, or vectors estimated from the slide (Macenko et al., ISBI 2009), "
                + "as listed per slide below.",
            cells,
            classesText(settings),
            intensityText(settings),
            "Scores: H-score = 1 \u{00D7} %1+ + 2 \u{00D7} %2+ + 3 \u{00D7} %3+ (0\u{2013}300; McCarty et al. 1985). "
                + "PD-L1 tumour proportion score (TPS) = percentage of viable tumour cells with membrane staining at any "
                + "intensity, as defined for PD-L1 IHC 22C3 pharmDx. Slide scores are computed from the summed cell "
                + "counts of all the slide's tiles, not by averaging tile scores.",
            "Change: \u{0394} = post \u{2212} pre for each patient, marker and score (percentage points for percentages). "
                + "The 95% confidence interval is a bootstrap percentile interval obtained by resampling tiles with "
                + "replacement within each slide.",
        ]
    }

    /// How cells were classed and how each class counts, from the run's settings.
    static func classesText(_ settings: [String: String]) -> String {
        let how: String
        if let name = settings[StatedSettings.cellClassifier], name != "morphology" {
            how = "each cell is classed by the cell classifier \(name) (trained on a pathologist's points with "
                + "stainshift train-cells) as tumour, immune (lymphocytes, macrophages), stroma or other"
        } else {
            let od = settings[StatedSettings.lymphocyteHematoxylin].flatMap(Double.init)
                .map { ReportFormat.number($0, decimals: 2) } ?? ReportFormat.number(MorphologyRule.defaultMinHematoxylinOD, decimals: 2)
            how = "each cell is classed by nuclear morphology: a nucleus of at most 40 \u{00B5}m\u{00B2}, circularity at "
                + "least 0.8 and mean hematoxylin at least \(od) OD (a fixed level, so a cell's class never depends on "
                + "the rest of its tile) is an immune cell (lymphocyte), every other cell a tumour cell; this rule "
                + "cannot tell stromal cells, which it counts as tumour cells"
        }
        return "Cell classes: " + how + ". TPS counts tumour cells only (stroma and other cells are in no denominator); "
            + "CPS = (PD-L1-positive tumour cells + PD-L1-positive immune cells) / tumour cells \u{00D7} 100, capped at 100 "
            + "(22C3 pharmDx); SP142's IC score = area of PD-L1-positive immune cells / tumour area \u{00D7} 100, the "
            + "tumour area (tumour cells and their interspersed stroma) approximated by the tissue area "
            + "(within a --regions annotation, by the annotation's area). Categories: TPS <1%, 1\u{2013}49%, \u{2265}50% (22C3 NSCLC); "
            + "CPS <1, 1\u{2013}9, \u{2265}10 (22C3); TC <1%, 1\u{2013}24%, 25\u{2013}49%, \u{2265}50% (SP263); IC0 <1%, "
            + "IC1 \u{2265}1 <5%, IC2 \u{2265}5 <10%, IC3 \u{2265}10% (SP142). A slide with fewer than "
            + "\(Marker.minimumTumourCells) viable tumour cells (the guides' minimum, summed over its tiles) keeps its "
            + "scores but is flagged insufficient (few_tumour_cells in slides.tsv); too_few_cells marks a single tile "
            + "with too few cells to say anything on its own."
    }

    /// How the built-in markers read a compartment.
    static let readingsText = "Readings: nucleus, cytoplasm and whole cell use the "
        + "compartment's mean; PD-L1 and HLA class I membranes use the mean of the brightest 25% of the cell's "
        + "non-nuclear pixels, so partial membrane staining counts; calreticulin membranes use the brightest half of "
        + "eight 45\u{00B0} sectors of the 1 \u{00B5}m ring with the cell's own cytoplasmic staining (share 0.3) "
        + "removed, so cytoplasmic (ER) calreticulin is not read as surface exposure."

    /// How nuclei were found and grown into cells, from the run's settings.
    static func detectionText(_ settings: [String: String]) -> String {
        guard let preset = settings[StatedSettings.detectionPreset], let stated = settings[StatedSettings.cellExpansion] else {
            return "nuclei are detected and grown into cells with the run's detection settings (not recorded in this report)"
        }
        guard let expansion = Double(stated), !preset.hasPrefix("mixed") else {
            return "nuclei are detected and grown into cells with settings that differ between slides (listed below)"
        }
        let how = switch preset {
        case DetectionPreset.qupath03.rawValue: "as QuPath 0.3 positive cell detection does (on the optical density sum, preset qupath-0.3)"
        case DetectionPreset.distanceWatershed.rawValue: "by threshold and distance-transform watershed on the hematoxylin channel (hematoxylin + DAB "
            + "for nuclear markers; preset distance-watershed)"
        default: "on the optical density sum for nuclear markers (a blue and a DAB-filled nucleus alike) and on "
            + "hematoxylin for membrane and cytoplasmic markers (preset \(preset))"
        }
        var threshold = settings[StatedSettings.detectionThreshold].flatMap(Double.init)
            .map { "a fixed detection threshold of \(ReportFormat.number($0, decimals: 2)) OD" } ?? "an automatic detection threshold"
        if let h = settings[StatedSettings.detectionThresholdHematoxylin].flatMap(Double.init) {
            threshold += " (\(ReportFormat.number(h, decimals: 2)) OD on hematoxylin)"
        }
        let cells = expansion > 0
            ? "expanded into cells by up to \(ReportFormat.number(expansion, decimals: 1)) \u{00B5}m"
            : "not expanded (cell expansion 0 \u{00B5}m: each cell is its nucleus, as in QuPath with no cell expansion)"
        return "nuclei are detected \(how) with \(threshold), and \(cells)"
    }

    /// The OD factor applied before binning, from the run's settings.
    static func intensityText(_ settings: [String: String]) -> String {
        let perTile = "Intensity: before binning, every OD of a tile is multiplied by one factor, listed per tile as od_scale in tiles.tsv: "
        if let factor = settings[StatedSettings.odScale].flatMap(Double.init) {
            let source = settings[StatedSettings.odScale] == "1" && settings[StatedSettings.detectionPreset] == DetectionPreset.qupath03.rawValue
                ? "the qupath-0.3 preset's, OD as scanned; --od-scale sets another"
                : settings[StatedSettings.odScale] == "1" ? "the default: each nucleus's own DAB, OD as scanned; --od-scale auto normalises each tile"
                : "set with --od-scale; 1: OD as scanned"
            let white = settings[StatedSettings.background] == "estimated"
                ? " OD is read against the white point measured on each image's glass (the bit depth's maximum when a tile has none)."
                : ""
            return perTile + "here the fixed factor \(ReportFormat.number(factor, decimals: 2)) (\(source))." + white
        }
        return perTile + "each tile's own (--od-scale auto), which brings hematoxylin's 99th percentile in tissue to 0.8 so "
            + "that scanners agree; it also reads a pale counterstain as a dim scan and raises weak DAB with it (the "
            + "default, 1, reads OD as scanned)."
    }

    /// The PD-L1 group rule in words, from the run's config or its recorded settings.
    private func groupRuleText() -> String? {
        let settings = result.provenance.settings
        let delta = view.config.map { ReportFormat.number($0.pdl1.minDelta, decimals: 0) } ?? settings["pdl1_min_delta"]
        let cells = view.config.map { String($0.pdl1.minTumourCells) } ?? settings["min_tumour_cells"]
        guard let delta else { return nil }
        var text = "PD-L1 group: increase or decrease when |\u{0394}TPS| \u{2265} \(delta) points and the 95% interval excludes 0; "
            + "no change otherwise"
        if let cells {
            text += "; insufficient when a pre or post PD-L1 slide is missing or has fewer than \(cells) scorable tumour cells"
        }
        if let drift = settings["stain_drift_threshold_deg"] {
            text += ". Patients whose pre and post stain vectors differ by more than \(drift)\u{00B0} are flagged stain_drift"
        }
        return text + "."
    }

    private func configTables(_ config: ClassifierConfig) -> MethodsPart.Config {
        var fired: [String: Int] = [:]
        for call in view.calls.values { fired[call.rule, default: 0] += 1 }
        return MethodsPart.Config(
            rules: config.benefitRules.map { rule in
                MethodsPart.Rule(rule: Text(rule.id), when: Text(Self.describe(rule.when)), callText: Text(rule.call.rawValue),
                                 rationale: Text(rule.rationale), firedCount: "\(fired[rule.id] ?? 0)")
            },
            hasSignals: !config.signals.isEmpty,
            signals: config.signals.map { signal in
                MethodsPart.Signal(signal: Text(signal.id), markerName: Text(MetricInfo.markerName(signal.marker)),
                                   metric: Text(signal.metric),
                                   minimumGain: Text(ReportFormat.shownChange(signal.minDelta, metric: signal.metric)),
                                   description: Text(signal.description))
            })
    }

    /// A rule's conditions in words; "always" for the fallback rule.
    static func describe(_ c: ClassifierConfig.Conditions) -> String {
        var parts: [String] = []
        if let groups = c.pdl1Group { parts.append("PD-L1 " + groups.map { GroupStyle.label($0) }.joined(separator: " or ")) }
        if let n = c.gainsAtLeast { parts.append("\u{2265} \(n) signal\(n == 1 ? "" : "s") gained") }
        if let n = c.gainsAtMost { parts.append("\u{2264} \(n) signal\(n == 1 ? "" : "s") gained") }
        if let n = c.measuredAtLeast { parts.append("\u{2265} \(n) signal\(n == 1 ? "" : "s") measured") }
        if let n = c.measuredAtMost { parts.append(n == 0 ? "no signal measured" : "\u{2264} \(n) signals measured") }
        if let x = c.tpsPostAtLeast { parts.append("TPS post \u{2265} \(ReportFormat.number(x, decimals: 0))%") }
        if let x = c.tpsPostBelow { parts.append("TPS post < \(ReportFormat.number(x, decimals: 0))%") }
        return parts.isEmpty ? "always (fallback)" : parts.joined(separator: "; ")
    }

    static func table(_ name: String, _ rows: [(String, String)], code: Bool = false) -> KeyValueTable {
        KeyValueTable(kvName: Text(name), kvCode: code, kvRows: rows.map { KeyValueTable.Row(key: Text($0.0), value: Text($0.1)) })
    }

    /// Without the run's rule table: the rules that fired, with their outcomes and patients.
    private func firedRules() -> [MethodsPart.Fired] {
        var order: [String] = []
        var patients: [String: [String]] = [:]
        var outcome: [String: Set<String>] = [:]
        for patient in view.patients {
            guard let call = view.calls[patient] else { continue }
            if patients[call.rule] == nil { order.append(call.rule) }
            patients[call.rule, default: []].append(patient)
            outcome[call.rule, default: []].insert("\(GroupStyle.label(call.pdl1Group)) / \(call.benefit.rawValue)")
        }
        return order.sorted(by: NaturalOrder.less).map { rule in
            MethodsPart.Fired(rule: Text(rule), outcomes: Text((outcome[rule] ?? []).sorted().joined(separator: "; ")),
                              count: "\(patients[rule]?.count ?? 0)", who: Text((patients[rule] ?? []).joined(separator: ", ")))
        }
    }

    /// Slides grouped by the stain matrix they used, so a preset used everywhere takes one row.
    private func stainRows() -> [MethodsPart.Stains] {
        struct Stains: Hashable { let matrix: String; let source: String }
        var order: [Stains] = []
        var members: [Stains: [SlideRecord]] = [:]
        for slide in result.slides {
            let key = Stains(matrix: slide.stains, source: slide.stainsSource)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(slide)
        }
        return order.map { key in
            let slides = members[key] ?? []
            let names = slides.map { "\($0.patient) \($0.marker) \($0.timepoint.rawValue)" }
            return MethodsPart.Stains(
                source: Text(key.source), matrix: Text(key.matrix), count: "\(slides.count)",
                usedBy: Text(names.count > 12 ? names.prefix(12).joined(separator: ", ") + ", \u{2026} (\(names.count - 12) more)"
                             : names.joined(separator: ", ")))
        }
    }
}
