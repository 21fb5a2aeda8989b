import Foundation
import Testing
import StainShiftClassify
@testable import StainShiftCohort
import StainShiftScoring
import StainShiftTestSupport
import StainShiftFoundation

func slide(_ p: String, _ tp: Timepoint, marker: String = "pdl1", tumour: Int) -> SlideRecord {
    var t = TileTotals(); t.tumour = BinCounts(negative: tumour)
    return SlideRecord(patient: p, timepoint: tp, marker: marker, slide: "\(p)_\(tp)_\(marker)", tileCount: 1, totals: t,
                       scores: [], qcFlags: [], stains: "", stainsSource: "")
}

func change(_ p: String, marker: String = "pdl1", metric: String = "tps", pre: Double, post: Double, ci: (Double, Double),
            cells: Int = 500) -> ChangeRecord {
    var c = ChangeRecord(patient: p, marker: marker, metric: metric, pre: pre, post: post, ciLow: ci.0, ciHigh: ci.1)
    c.preTumourCells = cells; c.postTumourCells = cells
    return c
}

@Suite struct ClassifyTests {
    let caller = PatientCaller()
    let both = [slide("P", .pre, tumour: 500), slide("P", .post, tumour: 500)]

    @Test func increaseNeedsTenPointsAndAnIntervalExcludingZero() {
        #expect(caller.call(patient: "P", slides: both, changes: [change("P", pre: 5, post: 30, ci: (15, 35))]).pdl1Group == .increase)
        #expect(caller.call(patient: "P", slides: both, changes: [change("P", pre: 40, post: 5, ci: (-45, -25))]).pdl1Group == .decrease)
        #expect(caller.call(patient: "P", slides: both, changes: [change("P", pre: 5, post: 30, ci: (-2, 50))]).pdl1Group == .noChange)
        #expect(caller.call(patient: "P", slides: both, changes: [change("P", pre: 5, post: 12, ci: (3, 11))]).pdl1Group == .noChange)
    }

    /// An OD factor drift between pre and post is passed on to the patient as a caution; the call stands.
    @Test func odScaleDriftIsACautionOnTheCall() {
        var drifted = both
        for i in drifted.indices { drifted[i].qcFlags = ["od_scale_drift"] }
        let changes = [change("P", pre: 5, post: 30, ci: (15, 35))]
        let c = caller.call(patient: "P", slides: drifted, changes: changes)
        let plain = caller.call(patient: "P", slides: both, changes: changes)
        #expect(c.pdl1Group == plain.pdl1Group && c.benefit == plain.benefit)
        #expect(c.flags.contains("od_scale_drift") && !plain.flags.contains("od_scale_drift"))
        #expect(c.rationale.contains("differ more than 1.5-fold") && c.rationale.contains("--od-scale 1"))
        #expect(!plain.rationale.contains("Caution"))
    }

    @Test func fewTumourCellsOrAMissingTimepointIsInsufficient() {
        let few = [slide("P", .pre, tumour: 99), slide("P", .post, tumour: 500)]
        let a = caller.call(patient: "P", slides: few, changes: [change("P", pre: 5, post: 30, ci: (15, 35))])
        #expect(a.pdl1Group == .insufficient && a.flags.contains("few_tumour_cells"))
        #expect(a.benefit == .indeterminate)
        let b = caller.call(patient: "P", slides: [slide("P", .pre, tumour: 500)], changes: [])
        #expect(b.pdl1Group == .insufficient && b.flags == ["missing_timepoint"])
        #expect(b.rationale.contains("no post-RT pdl1 slide"))
    }

    @Test func tpsCategoriesAndTheirMove() {
        #expect(caller.category(0.5) == "<1%")
        #expect(caller.category(1) == "1-49%")
        #expect(caller.category(49.9) == "1-49%")
        #expect(caller.category(50) == ">=50%")
        let c = caller.call(patient: "P", slides: both, changes: [change("P", pre: 0.5, post: 60, ci: (50, 70))])
        #expect(c.tpsCategoryPre == "<1%" && c.tpsCategoryPost == ">=50%" && c.tpsCategoryChanged == true)
    }

    @Test func benefitRulesCombineTheBrakeAndTheAccelerator() {
        let up = change("P", pre: 5, post: 30, ci: (15, 35))
        let crtGain = change("P", marker: "crt", metric: "membrane_percent_positive", pre: 10, post: 40, ci: (20, 40))
        let crtFlat = change("P", marker: "crt", metric: "membrane_percent_positive", pre: 10, post: 12, ci: (-3, 6))
        let likely = caller.call(patient: "P", slides: both, changes: [up, crtGain])
        #expect(likely.benefit == .likely && likely.rule == "brake_and_accelerator")
        #expect(likely.signals.first { $0.id == "crt_membrane_gain" }?.state == .gained)
        #expect(likely.signals.first { $0.id == "hla1_gain" }?.state == .unmeasured)
        #expect(caller.call(patient: "P", slides: both, changes: [up, crtFlat]).rule == "brake_only")
        #expect(caller.call(patient: "P", slides: both, changes: [up]).rule == "brake_unknown_accelerator")
        let down = change("P", pre: 30, post: 5, ci: (-35, -15))
        #expect(caller.call(patient: "P", slides: both, changes: [down, crtFlat]).benefit == .unlikely)
        #expect(caller.call(patient: "P", slides: both, changes: [down]).benefit == .indeterminate)
    }

    @Test func configOverridesThresholdsAndKeepsOtherDefaults() throws {
        let s = try Scratch()
        let path = try s.write("c.json", #"{"pdl1": {"min_delta": 30, "marker": "pdl1", "metric": "tps", "min_tumour_cells": 100, "category_cutoffs": [1, 50]}}"#)
        let config = try ClassifierConfig.load(path)
        #expect(config.pdl1.minDelta == 30)
        #expect(config.benefitRules == ClassifierConfig.defaultRules)
        let c = PatientCaller(config: config).call(patient: "P", slides: both, changes: [change("P", pre: 5, post: 30, ci: (15, 35))])
        #expect(c.pdl1Group == .noChange)
        #expect(throws: ClassifyError.self) { try ClassifierConfig.load(try s.write("bad.json", #"{"pdl1": {"min_delta": "x"}}"#)) }
        #expect(throws: ClassifyError.self) { try ClassifierConfig.load(try s.write("cuts.json", #"{"pdl1": {"min_delta": 10, "marker": "pdl1", "metric": "tps", "min_tumour_cells": 100, "category_cutoffs": [50, 1]}}"#)) }
        #expect(throws: ClassifyError.self) { try ClassifierConfig.load(try s.write("nofallback.json", #"{"benefit_rules": [{"id": "x", "when": {"pdl1_group": ["increase"]}, "call": "likely", "rationale": "r"}]}"#)) }
        // The printed default config reads back as the defaults.
        #expect(try ClassifierConfig.load(try s.write("d.json", ClassifierConfig().json())) == ClassifierConfig())
    }

    @Test func everyManifestPatientGetsACall() {
        let calls = caller.calls(patients: ["A", "B"], slides: both, changes: [], outcomes: ["A": 1])
        #expect(calls.map(\.patient) == ["A", "B", "P"])
        #expect(calls[0].pdl1Group == .insufficient && calls[0].outcome == 1)
    }
}

@Suite struct ModelTests {
    /// Patients whose outcome follows their PD-L1 change (plus noise), with an unrelated marker.
    func cohort(n: Int, shuffled: Bool, seed: UInt64) -> ([ChangeRecord], [String: Int]) {
        var rng = SplitMix64(seed: seed)
        func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var changes: [ChangeRecord] = [], outcomes: [String: Int] = [:]
        for i in 0..<n {
            let p = String(format: "P%03d", i)
            let delta = u() * 60 - 30
            let pre = 20 + u() * 20
            changes.append(change(p, pre: pre, post: pre + delta, ci: (delta - 5, delta + 5)))
            changes.append(change(p, marker: "hla1", metric: "hscore", pre: u() * 100, post: u() * 100, ci: (0, 1)))
            outcomes[p] = delta + (u() - 0.5) * 10 > 0 ? 1 : 0
        }
        if shuffled {
            let keys = outcomes.keys.sorted()
            var values = keys.map { outcomes[$0] ?? 0 }
            for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, rng.unbiasedBelow(i + 1)) }
            outcomes = Dictionary(uniqueKeysWithValues: zip(keys, values))
        }
        return (changes, outcomes)
    }

    @Test func labelsFollowingDeltaPDL1GiveHighCrossValidatedAUC() throws {
        let (changes, outcomes) = cohort(n: 80, shuffled: false, seed: 3)
        let model = try ModelTrainer.train(changes: changes, outcomes: outcomes, folds: 5, lambda: 1, seed: 1)
        let cv = try #require(model.crossValidation)
        #expect(cv.aucMean >= 0.9)
        #expect(cv.aucs.count == 5)
        // The PD-L1 delta carries the largest weight.
        let j = try #require(model.features.firstIndex(of: "pdl1.tps.delta"))
        #expect(model.coefficients.indices.allSatisfy { abs(model.coefficients[$0]) <= abs(model.coefficients[j]) })
    }

    @Test func shuffledLabelsGiveChanceAUCWithinTheReportedSpread() throws {
        let (changes, outcomes) = cohort(n: 80, shuffled: true, seed: 3)
        let cv = try #require(try ModelTrainer.train(changes: changes, outcomes: outcomes, folds: 5, lambda: 1, seed: 1).crossValidation)
        #expect(abs(cv.aucMean - 0.5) <= max(2 * cv.aucSD, 0.1))
    }

    @Test func modelRoundTripsThroughJSONAndAddsProbabilities() throws {
        let (changes, outcomes) = cohort(n: 40, shuffled: false, seed: 5)
        let model = try ModelTrainer.train(changes: changes, outcomes: outcomes, folds: 4, lambda: 1, seed: 1)
        let back = try JSONDecoder().decode(LogisticModel.self, from: JSONEncoder().encode(model))
        #expect(back == model)
        var calls = PatientCaller().calls(patients: outcomes.keys.sorted(), slides: [], changes: changes)
        ModelTrainer.apply(model, changes: changes, to: &calls)
        let probabilities: [Double] = calls.compactMap(\.probability)
        #expect(probabilities.count == calls.count)
        #expect(probabilities.allSatisfy { (0.0...1.0).contains($0) })
        let up = calls.filter { outcomes[$0.patient] == 1 }.compactMap(\.probability)
        let down = calls.filter { outcomes[$0.patient] == 0 }.compactMap(\.probability)
        let meanUp: Double = up.reduce(0, +) / Double(up.count)
        let meanDown: Double = down.reduce(0, +) / Double(down.count)
        #expect(meanUp > meanDown)
    }

    @Test func tooFewLabelsIsAnError() {
        let (changes, _) = cohort(n: 6, shuffled: false, seed: 5)
        #expect(throws: ClassifyError.self) { try ModelTrainer.train(changes: changes, outcomes: ["P000": 1, "P001": 0], folds: 5) }
    }

    @Test func aucCountsTiesAsHalf() {
        #expect(CrossValidation.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75)
        #expect(CrossValidation.auc([0.5, 0.5], [0, 1]) == 0.5)
        #expect(CrossValidation.auc([0.5, 0.5], [1, 1]) == nil)
    }
}

@Suite struct ModelFileTests {
    @Test func modelFileUsesSnakeCaseKeysAndLoadsBack() throws {
        let rows: [[Double?]] = (0..<20).map { [Double($0)] }
        var model = LogisticModel.fit(features: ["pdl1.tps.delta"], rows: rows, labels: (0..<20).map { $0 % 3 == 0 ? 1 : 0 })
        model.crossValidation = CrossValidationSummary(folds: 2, aucMean: .nan, aucSD: 0, accuracyMean: 0.5, accuracySD: 0,
                                                       aucs: [], accuracies: [0.5], seed: 1)
        let s = try Scratch()
        let path = try s.write("model.json", model.json())
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"cross_validation\"") && text.contains("\"auc_mean\" : \"nan\""))
        let back = try LogisticModel.load(path)
        #expect(back.coefficients == model.coefficients && back.features == model.features)
        #expect(throws: ClassifyError.self) { try LogisticModel.load(try s.write("bad.json", "{\"format\": \"x\"}")) }
    }
}
