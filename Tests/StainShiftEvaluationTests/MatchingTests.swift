import Testing
@testable import StainShiftEvaluation

/// Point-to-centroid matching and the detection counts that follow, with hand-worked answers.
@Suite struct MatchingTests {
    static let item = EvaluationItem(image: "a.png", imagePath: "/x/a.png", annotations: "a.tsv",
                                     annotationsPath: "/x/a.tsv", source: "s")

    static func evaluate(_ points: [AnnotationPoint], _ cells: [DetectedCell], complete: Bool = true,
                         measured: Double = 0, scored: (Int, Int) = (0, 0)) -> ImageEvaluation {
        var item = item
        item.complete = complete
        // 0.5 µm pixels and a 4 µm radius: 8 px.
        return ImageEvaluation.evaluate(item, points: points, cells: cells, pixelSizeMicrons: 0.5, radiusMicrons: 4,
                                        measuredIndex: measured, scored: scored)
    }

    @Test func pointsInsideTheRadiusMatchAndOutsideDoNot() {
        let points = [AnnotationPoint(x: 10, y: 10, label: "tumour"), AnnotationPoint(x: 50, y: 50, label: "tumour"),
                      AnnotationPoint(x: 100, y: 100, label: "tumour")]
        // 5 px away (inside 8), 9 px away (outside), far away.
        let cells = [DetectedCell(x: 13, y: 14), DetectedCell(x: 50, y: 59), DetectedCell(x: 200, y: 200)]
        let e = Self.evaluate(points, cells)
        #expect(e.radiusPixels == 8)
        #expect(e.matches == [0, nil, nil])
        let c = e.counts
        #expect(c.truePositives == 1 && c.falseNegatives == 2 && c.falsePositives == 2)
        #expect(c.precision == 1.0 / 3 && c.recall == 1.0 / 3 && c.f1 == 1.0 / 3)
    }

    @Test func aPointExactlyAtTheRadiusMatches() {
        let e = Self.evaluate([AnnotationPoint(x: 0, y: 0, label: "other")], [DetectedCell(x: 8, y: 0)])
        #expect(e.matches == [0])
    }

    @Test func onePointNearTwoCellsTakesTheCloserAndLeavesAFalseDetection() {
        let e = Self.evaluate([AnnotationPoint(x: 20, y: 20, label: "tumour")],
                              [DetectedCell(x: 20, y: 26), DetectedCell(x: 23, y: 20)])
        #expect(e.matches == [1])
        #expect(e.counts.truePositives == 1 && e.counts.falsePositives == 1 && e.counts.falseNegatives == 0)
        #expect(e.counts.precision == 0.5 && e.counts.recall == 1)
    }

    @Test func twoPointsNearOneCellGiveOneMatchAndOneMiss() {
        let e = Self.evaluate([AnnotationPoint(x: 20, y: 20, label: "tumour"), AnnotationPoint(x: 26, y: 20, label: "tumour")],
                              [DetectedCell(x: 24, y: 20)])
        #expect(e.matches == [nil, 0])
        #expect(e.counts.truePositives == 1 && e.counts.falseNegatives == 1 && e.counts.falsePositives == 0)
        #expect(e.counts.f1 == 2.0 / 3)
    }

    @Test func closestPairsAreTakenFirstOverTheWholeImage() {
        // Point A's nearest cell is C1 (5 px), but B is closer to C1 (1 px): B-C1 first, then A-C2 (3 px).
        let m = PointMatcher.match(points: [(0, 0), (6, 0)], centres: [(5, 0), (-3, 0)], radius: 8)
        #expect(m == [1, 0])
        // Ties go to the lower point index, then the lower cell index.
        #expect(PointMatcher.match(points: [(0, 0), (4, 0)], centres: [(2, 0)], radius: 8) == [0, nil])
        #expect(PointMatcher.match(points: [(0, 0)], centres: [(2, 0), (-2, 0)], radius: 8) == [0])
    }

    @Test func anIncompleteImageHasNoPrecisionOrF1() {
        let e = Self.evaluate([AnnotationPoint(x: 10, y: 10, label: "lymphocyte"), AnnotationPoint(x: 60, y: 60, label: "lymphocyte")],
                              [DetectedCell(x: 11, y: 10), DetectedCell(x: 150, y: 150)], complete: false)
        #expect(e.counts.recall == 0.5)
        #expect(e.counts.precision == nil && e.counts.f1 == nil)
        #expect(e.counts.falsePositives == 0)
        let json = EvaluationJSON.image(e).render()
        #expect(json.contains("\"precision\": null"))
        #expect(json.contains("\"fp\": null"))
    }

    @Test func positivityAgreementAndIndexError() {
        // 3 positive and 1 negative labels: truth 75%. The scorer reports 60%.
        let points = [AnnotationPoint(x: 10, y: 10, label: "positive"), AnnotationPoint(x: 40, y: 10, label: "positive"),
                      AnnotationPoint(x: 70, y: 10, label: "positive"), AnnotationPoint(x: 100, y: 10, label: "negative")]
        let cells = [DetectedCell(x: 10, y: 11, positive: true), DetectedCell(x: 40, y: 11, positive: false),
                     DetectedCell(x: 100, y: 11, positive: false), DetectedCell(x: 130, y: 10, positive: true),
                     DetectedCell(x: 160, y: 10, positive: true)]
        let e = Self.evaluate(points, cells, measured: 60, scored: (3, 5))
        #expect(e.truthIndex == 75)
        #expect(e.indexError == -15)
        // Matched: positive/positive (agree), positive/negative (disagree), negative/negative (agree).
        #expect(e.counts.positivityCompared == 3 && e.counts.positivityAgreed == 2)
        #expect(e.counts.positivityAgreement == 2.0 / 3)
        #expect(e.counts.matchedIndex == 100.0 / 3)
        #expect(e.counts.measuredIndex == 60)
        let none = Self.evaluate([AnnotationPoint(x: 10, y: 10, label: "stroma")], cells, measured: 60)
        #expect(none.truthIndex == nil && none.indexError == nil)
        #expect(EvaluationJSON.image(none).render().contains("\"index\": null"))
    }

    @Test func classesReportRecallAndTheScorersClassesPrecision() {
        let points = [AnnotationPoint(x: 10, y: 10, label: "lymphocyte"), AnnotationPoint(x: 40, y: 10, label: "lymphocyte"),
                      AnnotationPoint(x: 70, y: 10, label: "stroma"), AnnotationPoint(x: 100, y: 10, label: "stroma"),
                      AnnotationPoint(x: 130, y: 10, label: "stroma"), AnnotationPoint(x: 160, y: 10, label: "other")]
        let cells = [DetectedCell(x: 10, y: 10, cellClass: "lymphocyte"), DetectedCell(x: 40, y: 10, cellClass: "tumour"),
                     DetectedCell(x: 70, y: 10, cellClass: "lymphocyte"), DetectedCell(x: 130, y: 10, cellClass: "stroma"),
                     DetectedCell(x: 160, y: 10, cellClass: "stroma")]
        let e = Self.evaluate(points, cells)
        let c = e.counts
        #expect(c.labels["lymphocyte"] == { var l = LabelCounts(); l.points = 2; l.matched = 2; l.calledSame = 1; return l }())
        #expect(c.labels["stroma"]?.matched == 2 && c.labels["stroma"]?.calledSame == 1)
        #expect(c.calledAs == ["lymphocyte": 2, "tumour": 1, "stroma": 2])
        // lymphocyte: recall 1, class recall 1/2, precision 1/2 (one of the two cells called lymphocyte is one).
        // stroma (a trained classifier's class): recall 2/3, class recall 1/2, precision 1/2; other: class recall 0,
        // precision null (no cell was called other).
        #expect(EvaluationJSON.classes(c).render() == """
            {
              "lymphocyte": {
                "points": 2,
                "matched": 2,
                "recall": 1,
                "class_recall": 0.5,
                "precision": 0.5
              },
              "other": {
                "points": 1,
                "matched": 1,
                "recall": 1,
                "class_recall": 0,
                "precision": null
              },
              "stroma": {
                "points": 3,
                "matched": 2,
                "recall": 0.6667,
                "class_recall": 0.5,
                "precision": 0.5
              }
            }
            """)
    }
}
