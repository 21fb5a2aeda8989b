import StainShiftStains
import StainShiftFoundation

/// The `stainshift score` JSON object (CONTRACT): image, marker, cells, scores, tissue, qc, then
/// extras (lymphocytes, pixel bins, thresholds, pixel size, stains). Keys in a fixed order.
public enum ScoreJSON {
    /// `classifier` names how cells were classed (`settings.cell_classifier`: `morphology` or the model).
    public static func value(_ score: TileScore, marker: Marker, stains: StainMatrix? = nil,
                             classifier: String? = nil) -> JSONText {
        let t = score.totals
        let cells = marker.scoredCells(t)
        func bins(_ b: BinCounts) -> JSONText {
            .object([("negative", .int(b.negative)), ("1+", .int(b.weak)), ("2+", .int(b.moderate)), ("3+", .int(b.strong))])
        }
        var members: [(String, JSONText)] = [
            ("image", .string(score.image)),
            ("marker", .string(marker.name)),
            ("pixel_size_um", .number(score.pixelSizeMicrons)),
            ("pixel_size_source", score.pixelSizeSource.map { .string($0.rawValue) } ?? .null),
            ("cells", .object([
                ("total", .int(cells.total)), ("positive", .int(cells.positive)), ("bins", bins(cells)),
                ("population", .string(marker.population.rawValue)),
                ("tumour", .int(t.tumour.total)), ("lymphocytes", .int(t.lymphocytes.total)),
                ("insufficient", .bool(marker.insufficient(t))), ("minimum", .int(Marker.minimumTumourCells)),
            ])),
            ("scores", .object(marker.scores(t).map { ($0.name, .number($0.value)) })),
        ]
        let categories = marker.categories(t)
        if !categories.isEmpty {
            members.append(("categories", .object(categories.map { ($0.score, .string($0.category)) })))
        }
        let fraction = t.imagePixels == 0 ? 0 : Double(t.tissuePixels) / Double(t.imagePixels)
        members += [
            ("tissue", .object([("area_px", .int(t.tissuePixels)), ("fraction", .number(fraction))])),
            ("qc", .object([("flags", .array(score.qcFlags.map { .string($0.rawValue) }))])),
            ("lymphocytes", .object([("total", .int(t.lymphocytes.total)), ("positive", .int(t.lymphocytes.positive)),
                                     ("bins", bins(t.lymphocytes))])),
            ("tumour_cells", .object([("total", .int(t.tumour.total)), ("positive", .int(t.tumour.positive)),
                                      ("bins", bins(t.tumour))])),
        ]
        members.append(("classes", classes(t)))
        if marker.formulas.contains(.icScore) || marker.formulas.contains(.icCategoryCode) {
            members.append(("ic_area", icArea(t, pixelSizeMicrons: score.pixelSizeMicrons)))
        }
        if marker.secondary != nil {
            members.append(("secondary", .object([("compartment", .string(marker.secondary?.rawValue ?? "")),
                                                  ("bins", bins(t.tumourSecondary))])))
        }
        var settings: [(String, JSONText)] = [
            ("compartment", .string(marker.primary.rawValue)),
            ("thresholds", .array([.number(marker.thresholds.weak), .number(marker.thresholds.moderate),
                                   .number(marker.thresholds.strong)])),
            ("pixel_thresholds", .array([.number(marker.pixelThresholds.weak), .number(marker.pixelThresholds.moderate),
                                         .number(marker.pixelThresholds.strong)])),
            ("pixel_size_um", .number(score.pixelSizeMicrons)),
            ("pixel_size_source", score.pixelSizeSource.map { .string($0.rawValue) } ?? .null),
        ]
        if let f = score.odScale { settings.append(("od_scale", .number(f))) }
        if let w = score.whitePoint { settings.append(("background", .array(w.map { JSONText.number($0) }))) }
        if let s = score.whitePointSource { settings.append(("background_source", .string(s.rawValue))) }
        if let classifier { settings.append(("cell_classifier", .string(classifier))) }
        members += [
            ("pixels", .object([("tissue", .int(t.pixels.total)), ("bins", bins(t.pixels))])),
            ("settings", .object(settings)),
        ]
        if let stains {
            members.append(("stains", .object(stains.stains.map {
                ($0.role.rawValue, .array([.number($0.r), .number($0.g), .number($0.b)]))
            })))
        }
        return .object(members)
    }

    /// `classes`: per class name its role, cells and positive cells (primary compartment), in
    /// role order (tumour, lymphocyte, stroma, other), then name.
    static func classes(_ t: TileTotals) -> JSONText {
        .object(t.orderedClasses.map { c in
            (c.name, .object([("role", .string(c.tally.role.rawValue)), ("total", .int(c.tally.bins.total)),
                              ("positive", .int(c.tally.bins.positive))]))
        })
    }

    /// `ic_area`: what SP142's IC score divides, and which area stood for the tumour area.
    static func icArea(_ t: TileTotals, pixelSizeMicrons px: Double) -> JSONText {
        .object([("positive_immune_px", .int(t.positiveImmunePixels)), ("tumour_area_px", .int(Marker.icAreaPixels(t))),
                 ("tumour_area", .string(t.regionPixels == nil ? "tissue" : "regions")), ("pixel_size_um", .number(px))])
    }

    /// The JSON text, ending in a newline.
    public static func render(_ score: TileScore, marker: Marker, stains: StainMatrix? = nil, classifier: String? = nil) -> String {
        value(score, marker: marker, stains: stains, classifier: classifier).render() + "\n"
    }
}
