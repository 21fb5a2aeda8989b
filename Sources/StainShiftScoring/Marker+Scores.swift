/// Scores derived from additive totals: tiles sum into slides, then ratios are taken, with every
/// division guarded so an empty tile scores 0, never NaN.
extension Marker {
    /// Every score of this marker, in reporting order: `percent_positive`, `hscore`, the marker's
    /// formulas, then the pixel-level scores.
    public func scores(_ totals: TileTotals) -> [MarkerScore] {
        let population = scoredCells(totals)
        var out = [MarkerScore(name: CommonScore.percentPositive, value: population.percentPositive),
                   MarkerScore(name: CommonScore.hscore, value: hscoreBins(totals).hScore)]
        for formula in formulas {
            if let value = value(of: formula, totals) { out.append(MarkerScore(name: formula.rawValue, value: value)) }
        }
        let p = totals.pixels
        let tissue = Double(p.total)
        func pct(_ n: Int) -> Double { p.total == 0 ? 0 : 100 * Double(n) / tissue }
        let pixelValues = [p.percentPositive, pct(p.weak), pct(p.moderate), pct(p.strong), p.hScore,
                           p.total == 0 ? 0 : totals.pixelDABSum / tissue]
        for (name, value) in zip(CommonScore.pixelNames, pixelValues) {
            out.append(MarkerScore(name: name, value: value))
        }
        return out
    }

    /// The names `scores` returns, in order (stable table columns).
    public var scoreNames: [String] {
        [CommonScore.percentPositive, CommonScore.hscore]
            + formulas.filter { value(of: $0, TileTotals()) != nil }.map(\.rawValue)
            + CommonScore.pixelNames
    }

    /// One score by name, or nil when this marker does not report it.
    public func score(named name: String, _ totals: TileTotals) -> Double? {
        scores(totals).first { $0.name == name }?.value
    }

    /// Bins of the cells `percent_positive` counts: tumour cells, or all cells for `.all`.
    public func scoredCells(_ totals: TileTotals) -> BinCounts {
        population == .all ? totals.tumour + totals.lymphocytes : totals.tumour
    }

    /// The clinical PD-L1 TPS category: `<1%`, `1-49%` or `>=50%` (Agilent PD-L1 IHC 22C3 pharmDx
    /// interpretation manual, NSCLC: TPS <1%, 1-49%, >=50%; KEYNOTE-024/042). The score is not
    /// rounded first: 49.5% is `1-49%`, 50.0% `>=50%`.
    public static func tpsCategory(_ tps: Double) -> String {
        ["<1%", "1-49%", ">=50%"][tpsCategoryCode(tps)]
    }

    static func tpsCategoryCode(_ tps: Double) -> Int { tps < 1 ? 0 : tps < 50 ? 1 : 2 }

    /// The 22C3 CPS category: `<1`, `1-9` or `>=10` (Agilent PD-L1 IHC 22C3 pharmDx interpretation
    /// manuals: CPS >=1 for gastric/GEJ, HNSCC and cervical cancer, >=10 for oesophageal cancer and
    /// TNBC; KEYNOTE-062/048/158/590/355).
    public static func cpsCategory(_ cps: Double) -> String { ["<1", "1-9", ">=10"][cpsCategoryCode(cps)] }

    static func cpsCategoryCode(_ cps: Double) -> Int { cps < 1 ? 0 : cps < 10 ? 1 : 2 }

    /// The SP263 tumour-cell category on the percent of PD-L1 membrane-stained tumour cells: `<1%`,
    /// `1-24%`, `25-49%` or `>=50%` (Roche VENTANA PD-L1 (SP263) Assay interpretation guide, NSCLC:
    /// TC >=1%, >=25% and >=50% cut-offs).
    public static func tcCategory(_ tc: Double) -> String { ["<1%", "1-24%", "25-49%", ">=50%"][tcCategoryCode(tc)] }

    static func tcCategoryCode(_ tc: Double) -> Int { tc < 1 ? 0 : tc < 25 ? 1 : tc < 50 ? 2 : 3 }

    /// The SP142 immune-cell category: `IC0` (<1% of the tumour area), `IC1` (>=1 <5%), `IC2`
    /// (>=5 <10%), `IC3` (>=10%) (Roche VENTANA PD-L1 (SP142) Assay interpretation guide, urothelial
    /// carcinoma and NSCLC; IMvigor210, OAK).
    public static func icCategory(_ ic: Double) -> String { "IC\(icCategoryCode(ic))" }

    static func icCategoryCode(_ ic: Double) -> Int { ic < 1 ? 0 : ic < 5 ? 1 : ic < 10 ? 2 : 3 }

    /// The PD-L1 guides' minimum of viable tumour cells per specimen (22C3 pharmDx, SP263 and SP142
    /// interpretation guides: at least 100).
    public static let minimumTumourCells = 100

    /// Whether a slide (summed totals) holds fewer than `minimumTumourCells` of the cells this
    /// marker's `percent_positive` counts (viable tumour cells; every cell for `population: all`):
    /// its scores are still given, flagged `insufficient`. Decided on the sum, never on a tile.
    public func insufficient(_ totals: TileTotals) -> Bool { scoredCells(totals).total < Self.minimumTumourCells }

    /// SP142's IC score: the positive immune cells' summed cell areas over the tumour area, in
    /// percent. The tumour area (tumour cells and their interspersed stroma) is the area of the
    /// regions the cells were restricted to (`--regions`: the pathologist's delineated tumour;
    /// `regionPixels`), else approximated by the tissue area (`tissuePixels`). 0 with no area.
    public static func icScore(_ t: TileTotals) -> Double {
        let area = icAreaPixels(t)
        return area == 0 ? 0 : min(100, 100 * Double(t.positiveImmunePixels) / Double(area))
    }

    /// The tumour area SP142's IC score divides by: the regions' area, else the tissue area.
    public static func icAreaPixels(_ t: TileTotals) -> Int { t.regionPixels ?? t.tissuePixels }

    /// Categories (`categories` in the JSON) of the scores this marker reports, by score name.
    public func categories(_ t: TileTotals) -> [(score: String, category: String)] {
        var out: [(String, String)] = []
        if formulas.contains(.tps) || formulas.contains(.tpsCategoryCode) {
            out.append((ScoreFormula.tps.rawValue, Self.tpsCategory(t.tumour.percentPositive)))
        }
        if formulas.contains(.cps) || formulas.contains(.cpsCategoryCode) {
            out.append((ScoreFormula.cps.rawValue, Self.cpsCategory(value(of: .cps, t) ?? 0)))
        }
        if formulas.contains(.tcCategoryCode) { out.append(("tc", Self.tcCategory(t.tumour.percentPositive))) }
        if formulas.contains(.icScore) || formulas.contains(.icCategoryCode) {
            out.append(("ic", Self.icCategory(Self.icScore(t))))
        }
        return out
    }

    /// Bins of tumour cells on `compartment`, when this marker reads it.
    func tumourBins(_ compartment: Compartment, _ t: TileTotals) -> BinCounts? {
        if compartment == primary { return t.tumour }
        if compartment == secondary { return t.tumourSecondary }
        if compartment == .cell { return t.tumourWholeCell }
        return nil
    }

    /// Sum over tumour cells of the compartment's mean DAB OD, when this marker reads it.
    func tumourDABSum(_ compartment: Compartment, _ t: TileTotals) -> Double? {
        if compartment == primary { return t.primaryDABSum }
        if compartment == secondary { return t.secondaryDABSum }
        if compartment == .cell { return t.wholeCellDABSum }
        return nil
    }

    func hscoreBins(_ t: TileTotals) -> BinCounts {
        hscoreCompartment == primary ? scoredCells(t) : (tumourBins(hscoreCompartment, t) ?? scoredCells(t))
    }

    func value(of formula: ScoreFormula, _ t: TileTotals) -> Double? {
        func mean(_ c: Compartment) -> Double? {
            tumourDABSum(c, t).map { t.tumour.total == 0 ? 0 : $0 / Double(t.tumour.total) }
        }
        switch formula {
        case .tps:
            // Tumour cells only: stroma and other classes are counted in `classes`, not here.
            return t.tumour.percentPositive
        case .cps:
            // Positive tumour cells + positive immune cells (lymphocytes, macrophages) over tumour cells.
            guard t.tumour.total > 0 else { return 0 }
            return min(100, 100 * Double(t.tumour.positive + t.lymphocytes.positive) / Double(t.tumour.total))
        case .tpsCategoryCode:
            return Double(Self.tpsCategoryCode(t.tumour.percentPositive))
        case .cpsCategoryCode:
            return Double(Self.cpsCategoryCode(value(of: .cps, t) ?? 0))
        case .tcCategoryCode:
            return Double(Self.tcCategoryCode(t.tumour.percentPositive))
        case .icScore:
            return Self.icScore(t)
        case .icCategoryCode:
            return Double(Self.icCategoryCode(Self.icScore(t)))
        case .labellingIndex:
            return scoredCells(t).percentPositive
        case .lymphocytePercentPositive:
            return t.lymphocytes.percentPositive
        case .membranePercentPositive: return tumourBins(.membrane, t)?.percentPositive
        case .membraneHScore: return tumourBins(.membrane, t)?.hScore
        case .nuclearPercentPositive: return tumourBins(.nucleus, t)?.percentPositive
        case .nuclearHScore: return tumourBins(.nucleus, t)?.hScore
        case .cytoplasmicPercentPositive, .translocationIndex: return tumourBins(.cytoplasm, t)?.percentPositive
        case .cytoplasmicHScore: return tumourBins(.cytoplasm, t)?.hScore
        case .wholeCellHScore: return tumourBins(.cell, t)?.hScore
        case .membraneCytoplasmRatio:
            guard let m = tumourDABSum(.membrane, t), let c = tumourDABSum(.cytoplasm, t) else { return nil }
            return c > 0 ? m / c : 0
        case .membraneMeanOD: return mean(.membrane)
        case .nuclearMeanOD: return mean(.nucleus)
        case .cytoplasmicMeanOD: return mean(.cytoplasm)
        }
    }
}
