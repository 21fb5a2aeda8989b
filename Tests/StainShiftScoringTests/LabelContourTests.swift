import Testing
@testable import StainShiftScoring

/// Outlines traced along pixel edges: closed, counter-clockwise (y up), the label's area, one ring
/// per 4-connected piece, holes filled.
@Suite struct LabelContourTests {
    /// A label map from rows of characters: `#` is label 1, anything else 0.
    static func map(_ rows: [String]) -> (labels: [Int32], width: Int, height: Int) {
        let w = rows[0].count
        return (rows.flatMap { $0.map { $0 == "#" ? Int32(1) : 0 } }, w, rows.count)
    }

    static func trace(_ rows: [String]) -> [[OutlinePoint]] {
        let m = map(rows)
        return LabelContour.rings(m.labels, width: m.width, height: m.height, label: 1, box: (0, 0, m.width - 1, m.height - 1))
    }

    @Test func onePixelIsTheUnitSquareCounterClockwise() {
        let rings = Self.trace(["...", ".#.", "..."])
        #expect(rings == [[OutlinePoint(x: 1, y: 1), OutlinePoint(x: 2, y: 1), OutlinePoint(x: 2, y: 2),
                           OutlinePoint(x: 1, y: 2), OutlinePoint(x: 1, y: 1)]])
        #expect(LabelContour.twiceArea(rings[0]) == 2)
    }

    @Test func ringsAreClosedAndEncloseTheLabelsPixels() {
        let rows = [".###..", ".####.", "..##..", "..#...", "######"]
        let rings = Self.trace(rows)
        #expect(rings.count == 1)
        let ring = rings[0]
        #expect(ring.first == ring.last && ring.count >= 5)
        #expect(LabelContour.twiceArea(ring) == 2 * rows.joined().filter { $0 == "#" }.count)
        // No collinear middle points are left.
        #expect(ring.count - 1 < 4 * rows.joined().filter { $0 == "#" }.count)
    }

    @Test func piecesTouchingAtACornerAreSeparateRings() {
        let rings = Self.trace(["##..", "##..", "..#.", "...."])
        #expect(rings.count == 2)
        #expect(rings.map { LabelContour.twiceArea($0) } == [8, 2])
    }

    @Test func aHoleIsFilled() {
        let rings = Self.trace(["###", "#.#", "###"])
        #expect(rings.count == 1)
        #expect(LabelContour.twiceArea(rings[0]) == 18)
    }

    @Test func anAbsentLabelOrEmptyBoxGivesNoRings() {
        let m = Self.map(["...", "..."])
        #expect(LabelContour.rings(m.labels, width: 3, height: 2, label: 1, box: (0, 0, 2, 1)).isEmpty)
        #expect(LabelContour.rings(m.labels, width: 3, height: 2, label: 1, box: (Int.max, Int.max, -1, -1)).isEmpty)
    }
}
