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

    /// The clinical PD-L1 TPS category: `<1%`, `1-49%` or `>=50%`.
    public static func tpsCategory(_ tps: Double) -> String {
        tps < 1 ? "<1%" : tps < 50 ? "1-49%" : ">=50%"
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
            return t.tumour.percentPositive
        case .cps:
            guard t.tumour.total > 0 else { return 0 }
            return min(100, 100 * Double(t.tumour.positive + t.lymphocytes.positive) / Double(t.tumour.total))
        case .tpsCategoryCode:
            let tps = t.tumour.percentPositive
            return tps < 1 ? 0 : tps < 50 ? 1 : 2
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
