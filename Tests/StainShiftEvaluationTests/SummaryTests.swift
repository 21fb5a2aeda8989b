import Testing
@testable import StainShiftEvaluation

/// Index agreement over images (MAE, Pearson r, largest error) and sums over sources.
@Suite struct SummaryTests {
    @Test func pearsonMatchesAHandComputedValue() throws {
        // x̄ 25, ȳ 26.5: Σdxdy 520, Σdx² 500, Σdy² 565, r = 520 / sqrt(282500) = 0.978350 (to 6 places).
        let a = IndexAgreement([(10, 12), (20, 18), (30, 35), (40, 41)])
        let r = try #require(a.pearsonR)
        #expect(abs(r - 0.9783497031) < 1e-9)
        #expect(a.meanAbsoluteError == 2.5)
        #expect(a.maxError == 5)
        #expect(a.images == 4)
    }

    @Test func rIsUndefinedForOneImageOrNoSpread() {
        #expect(IndexAgreement([(10, 20)]).pearsonR == nil)
        #expect(IndexAgreement([(10, 20)]).meanAbsoluteError == 10)
        #expect(IndexAgreement([(10, 20), (30, 20)]).pearsonR == nil)
        #expect(IndexAgreement([]).meanAbsoluteError == nil)
        // The largest error keeps its sign.
        #expect(IndexAgreement([(10, 12), (50, 20)]).maxError == -30)
    }

    @Test func sourcesSumTheirImagesAndOverallSumsAll() {
        func image(_ source: String, _ complete: Bool, _ points: [AnnotationPoint], _ cells: [DetectedCell],
                   measured: Double) -> ImageEvaluation {
            let item = EvaluationItem(image: "i", imagePath: "/i", annotations: "a", annotationsPath: "/a",
                                      source: source, complete: complete)
            return ImageEvaluation.evaluate(item, points: points, cells: cells, pixelSizeMicrons: 1, radiusMicrons: 4,
                                            measuredIndex: measured, scored: (Int(measured), 100))
        }
        let p = AnnotationPoint(x: 0, y: 0, label: "positive"), n = AnnotationPoint(x: 50, y: 0, label: "negative")
        let a = image("A", true, [p, n], [DetectedCell(x: 1, y: 0, positive: true), DetectedCell(x: 90, y: 90)], measured: 40)
        let b = image("B", false, [p], [DetectedCell(x: 30, y: 30)], measured: 80)
        let result = EvaluationResult(marker: "ki67", matchRadiusMicrons: 4, images: [a, b], failures: [])
        #expect(result.sources.map(\.name) == ["A", "B"])
        let overall = result.overall
        #expect(overall.counts.truePositives == 1 && overall.counts.falseNegatives == 2)
        // Precision and F1 only from the complete image: 1 of 2 cells, recall there 1 of 2 points.
        #expect(overall.counts.precision == 0.5 && overall.counts.f1 == 0.5)
        #expect(overall.counts.recall == 1.0 / 3)
        // Truth 50% (A) and 100% (B); measured 40 and 80: errors -10 and -20.
        #expect(overall.index.meanAbsoluteError == 15 && overall.index.maxError == -20)
        // Pooled: 2 of 3 labels positive; 120 of 200 scored cells positive.
        #expect(overall.counts.truthIndex == 200.0 / 3 && overall.counts.measuredIndex == 60)
        #expect(result.sources[1].counts.precision == nil)
        #expect(EvaluationTable.summary(result) == """
            source   images  points  recall  precision     F1  agree   MAE     r  max err
            A             1       2   0.500      0.500  0.500  1.000  10.0     -    -10.0
            B             1       1   0.000          -      -      -  20.0     -    -20.0
            overall       2       3   0.333      0.500  0.500  1.000  15.0  1.00    -20.0

            """)
    }
}
