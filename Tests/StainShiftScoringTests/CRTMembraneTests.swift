import Foundation
import Testing
import StainShiftCells
import StainShiftStains
@testable import StainShiftScoring
@testable import StainShiftSynth

/// CRT's membrane reading (`MembraneSectors`): unmixing of the cell's own cytoplasm, partial
/// membranes, and per-cell agreement with painted synthetic truth.
@Suite struct CRTMembraneTests {
    /// One round cell in a 40 x 40 tile: nucleus radius 5, cell radius 14, ring the outer 2 pixels.
    /// `ring(dx, dy)` gives a ring pixel's DAB OD, `cytoplasm` the rest outside the nucleus.
    static func cell(ring: (Int, Int) -> Float, cytoplasm: Float, odScale: Float = 1) -> (CellSegmentation, StainPlanes) {
        let w = 40, n = w * w
        var nucleus = [Int32](repeating: 0, count: n), cells = nucleus
        var mask = [UInt8](repeating: 0, count: n)
        var values = [Float](repeating: 0, count: 3 * n)
        var ringSum: Float = 0, ringCount = 0
        for y in 0..<w {
            for x in 0..<w {
                let dx = x - 20, dy = y - 20, d2 = dx * dx + dy * dy, i = y * w + x
                guard d2 <= 14 * 14 else { continue }
                cells[i] = 1
                if d2 <= 25 { nucleus[i] = 1; continue }
                if d2 > 12 * 12 {
                    mask[i] = 1
                    values[n + i] = ring(dx, dy); ringSum += values[n + i]; ringCount += 1
                } else {
                    values[n + i] = cytoplasm
                }
            }
        }
        var c = Cell(label: 1, centroidX: 20.5, centroidY: 20.5, nucleusAreaPixels: 81, cellAreaPixels: 600,
                     nucleusCircularity: 1, cellClass: .tumour)
        c.membrane.pixelCount = ringCount
        c.membrane.dabMean = ringSum / Float(ringCount) * odScale
        var seg = CellSegmentation(width: w, height: w, nucleusLabels: nucleus, cellLabels: cells, membraneMask: mask, cells: [c])
        seg.odScale = odScale
        return (seg, StainPlanes(width: w, height: w, matrix: StainPresets.hDAB, values: values))
    }

    @Test func readingRemovesTheCellsOwnCytoplasmShare() throws {
        // A blurred ring: 70% membrane, 30% cytoplasm.
        func mixed(_ m: Float, _ c: Float) -> (CellSegmentation, StainPlanes) { Self.cell(ring: { _, _ in 0.7 * m + 0.3 * c }, cytoplasm: c) }
        let (darkER, planes1) = mixed(0.05, 0.7)    // no surface CRT, strong ER CRT
        let (surface, planes2) = mixed(0.5, 0.05)   // 2+ surface CRT, no ER staining
        let a = try #require(MembraneSectors.readings(darkER, planes: planes1, cytoplasmShare: 0.3))
        let b = try #require(MembraneSectors.readings(surface, planes: planes2, cytoplasmShare: 0.3))
        #expect(abs(a[0] - 0.05) < 1e-4)
        #expect(abs(b[0] - 0.5) < 1e-4)
        // The ring mean calls both 1+; the CRT reading calls them negative and 2+.
        #expect(CellScoring.calls(darkER, marker: .crt)[0].bin == .weak)
        #expect(CellScoring.calls(surface, marker: .crt)[0].bin == .weak)
        #expect(CellScoring.calls(darkER, planes: planes1, marker: .crt)[0].bin == .negative)
        #expect(CellScoring.calls(surface, planes: planes2, marker: .crt)[0].bin == .moderate)
    }

    @Test func partialMembraneReadsAtItsOwnIntensity() throws {
        // Stained over the right half of the ring (4 of 8 sectors), cytoplasm level on the left.
        let (seg, planes) = Self.cell(ring: { dx, _ in dx >= 0 ? 0.6 : 0.1 }, cytoplasm: 0.1, odScale: 0.5)
        let r = try #require(MembraneSectors.readings(seg, planes: planes, cytoplasmShare: 0.3))
        #expect(abs(r[0] - 0.5 * (0.6 - 0.3 * 0.1) / 0.7) < 1e-4)  // in the segmentation's normalised units
        #expect(seg.cells[0].meanDAB(.membrane) < 0.5 * 0.4)      // the ring mean halves it
        // Threads do not change the result.
        #expect(MembraneSectors.readings(seg, planes: planes, cytoplasmShare: 0.3, threads: 1) == r)
    }

    @Test func mismatchedPlanesGiveNoReadings() {
        let (seg, _) = Self.cell(ring: { _, _ in 0.5 }, cytoplasm: 0.1)
        let small = StainPlanes(width: 10, height: 10, matrix: StainPresets.hDAB)
        #expect(MembraneSectors.readings(seg, planes: small, cytoplasmShare: 0.3) == nil)
        #expect(CellScoring.calls(seg, planes: small, marker: .crt)[0].primaryOD == seg.cells[0].meanDAB(.membrane))
    }

    /// Per cell on a synthetic tile (seed 23, 75% membrane-positive): detected tumour cells matched to
    /// painted ones by the nucleus under their centroid.
    @Test func cellsMatchTheirPaintedMembraneBin() {
        var spec = TileSpec(marker: .crt, width: 512, height: 512, positiveFraction: 0.75)
        spec.lymphocytePositiveFraction = 0.375
        let (image, truth) = SyntheticTile.generate(spec, seed: 23)
        let analysis = TileScorer.analyse(image, name: "crt", marker: .crt, settings: ScoringSettings())
        let ringMean = CellScoring.calls(analysis.segmentation, marker: .crt)
        var matched = 0, agree = 0, agreeRingMean = 0, darkER = 0, darkERNegative = 0
        for (k, cell) in analysis.segmentation.cells.enumerated() where cell.cellClass == .tumour {
            let x = Int(cell.centroidX), y = Int(cell.centroidY)
            guard x >= 0, y >= 0, x < truth.width, y < truth.height else { continue }
            let l = Int(truth.nucleusLabels[y * truth.width + x])
            guard l > 0, truth.cells[l - 1].cellClass == .tumour else { continue }
            let t = truth.cells[l - 1]
            matched += 1
            if analysis.calls[k].bin == t.bin { agree += 1 }
            if ringMean[k].bin == t.bin { agreeRingMean += 1 }
            if t.bin == .negative, let s = t.secondaryBin, s == .moderate || s == .strong {
                darkER += 1
                if analysis.calls[k].bin == .negative { darkERNegative += 1 }
            }
        }
        #expect(matched > 120)
        #expect(Double(agree) >= 0.9 * Double(matched), "\(agree) of \(matched) cells in their painted bin (ring mean: \(agreeRingMean))")
        #expect(agreeRingMean < agree)
        #expect(darkER >= 5)
        #expect(Double(darkERNegative) >= 0.8 * Double(darkER), "\(darkERNegative) of \(darkER) membrane-negative cells with 2+/3+ cytoplasm called negative")
    }

    @Test func configSetsAndChecksTheCytoplasmShare() throws {
        let set = try MarkerSet.parse(Data(#"[{"name": "crt", "membrane_cytoplasm_share": 0.25}]"#.utf8))
        #expect(set["crt"]?.membraneCytoplasmShare == 0.25)
        #expect(Marker.crt.membraneCytoplasmShare == 0.3)
        #expect(Marker.pdl1.membraneCytoplasmShare == nil)
        for bad in ["1", "-0.1"] {
            #expect(throws: MarkerError.self) {
                try MarkerSet.parse(Data(#"[{"name": "crt", "membrane_cytoplasm_share": \#(bad)}]"#.utf8), path: "m.json")
            }
        }
    }
}
