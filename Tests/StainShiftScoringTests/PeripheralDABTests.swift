import Testing
import StainShiftCells
import StainShiftStains
@testable import StainShiftScoring

/// The membrane reading of the brightest fraction of a cell's non-nuclear pixels, against values
/// worked out by hand, with the cells' measured cytoplasm counts right, wrong (the gather must
/// notice and count the pixels itself) and restricted to the ring.
@Suite struct PeripheralDABTests {
    /// Two cells side by side in a 6 x 3 image; each has a 1 x 1 nucleus in its middle column and
    /// eight non-nuclear pixels whose DAB values are 0.1 ... 0.8 (cell 1) and 1.1 ... 1.8 (cell 2).
    static func segmentation(cytoplasmCounts: (Int, Int)) -> (CellSegmentation, StainPlanes) {
        let w = 6, h = 3, n = w * h
        var cellLabels = [Int32](repeating: 0, count: n), nucleusLabels = [Int32](repeating: 0, count: n)
        var dab = [Float](repeating: 0, count: n)
        var next: [Float] = [0.1, 1.1]
        for y in 0..<h {
            for x in 0..<w {
                let cell = x < 3 ? 0 : 1, i = y * w + x
                cellLabels[i] = Int32(cell + 1)
                if y == 1 && x % 3 == 1 { nucleusLabels[i] = Int32(cell + 1); dab[i] = 9; continue }
                dab[i] = next[cell]; next[cell] += 0.1
            }
        }
        // The ring: the image's top and bottom rows only.
        let ring = (0..<n).map { $0 / w != 1 ? UInt8(1) : 0 }
        var cells = (1...2).map { k in
            Cell(label: Int32(k), centroidX: 0, centroidY: 0, nucleusAreaPixels: 1, cellAreaPixels: 9,
                 nucleusCircularity: 1, cellClass: .tumour)
        }
        cells[0].cytoplasm.pixelCount = cytoplasmCounts.0
        cells[1].cytoplasm.pixelCount = cytoplasmCounts.1
        let seg = CellSegmentation(width: w, height: h, nucleusLabels: nucleusLabels, cellLabels: cellLabels,
                                   membraneMask: ring, cells: cells)
        let planes = StainPlanes(width: w, height: h, matrix: StainPresets.hDAB,
                                 values: [Float](repeating: 0.3, count: n) + dab + [Float](repeating: 0, count: n))
        return (seg, planes)
    }

    @Test(arguments: [(8, 8), (3, 8), (8, 11), (0, 0)])
    func topQuarterOfTheNonNuclearPixels(counts: (Int, Int)) throws {
        let (seg, planes) = Self.segmentation(cytoplasmCounts: counts)
        let means = try #require(PeripheralDAB.topMeans(seg, planes: planes, fraction: 0.25))
        // Top 2 of 8: (0.8 + 0.7) / 2 and (1.8 + 1.7) / 2.
        #expect(abs(means[0] - 0.75) < 1e-6 && abs(means[1] - 1.75) < 1e-6, "\(means)")
    }

    @Test func ringOnlyReadsTheRingPixels() throws {
        let (seg, planes) = Self.segmentation(cytoplasmCounts: (8, 8))
        let means = try #require(PeripheralDAB.topMeans(seg, planes: planes, fraction: 0.5, ringOnly: true))
        // Ring pixels of cell 1: rows 0 and 2, columns 0-2: 0.1, 0.2, 0.3 and 0.6, 0.7, 0.8; top half 0.6-0.8.
        #expect(abs(means[0] - 0.7) < 1e-6 && abs(means[1] - 1.7) < 1e-6, "\(means)")
    }
}
