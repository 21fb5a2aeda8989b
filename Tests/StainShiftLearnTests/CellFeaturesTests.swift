import Foundation
import Testing
import StainShiftCells
import StainShiftFoundation
import StainShiftScoring
import StainShiftStains
import StainShiftSynth
@testable import StainShiftLearn

/// Per-cell features: exact on a hand-drawn segmentation, the same whatever the thread count,
/// and a cell's row untouched by cells outside its neighbourhood.
@Suite struct CellFeaturesTests {
    /// A 40 x 20 image: cell 1 a 6 x 6 square nucleus in a 10 x 10 cell (1-pixel membrane ring),
    /// cell 2 an L-shaped nucleus (two 4 x 2 bars) with no cytoplasm. H is 0.5 in nucleus 1 and
    /// alternates 0.2/0.6 by column in nucleus 2; DAB 0.3 in cell 1's cytoplasm.
    static func drawn() -> (CellSegmentation, StainPlanes) {
        let w = 40, h = 20, n = w * h
        var nl = [Int32](repeating: 0, count: n), cl = nl, mem = [UInt8](repeating: 0, count: n)
        var values = [Float](repeating: 0, count: 3 * n)
        for y in 2..<12 {
            for x in 2..<12 {
                let i = y * w + x
                cl[i] = 1
                if x == 2 || x == 11 || y == 2 || y == 11 { mem[i] = 1 }
                if (4..<10).contains(x) && (4..<10).contains(y) { nl[i] = 1; values[i] = 0.5 } else { values[n + i] = 0.3 }
            }
        }
        for (x0, y0, bw, bh) in [(20, 4, 4, 2), (20, 6, 2, 2)] {
            for y in y0..<(y0 + bh) {
                for x in x0..<(x0 + bw) { let i = y * w + x; nl[i] = 2; cl[i] = 2; values[i] = x % 2 == 0 ? 0.2 : 0.6 }
            }
        }
        let cells = [Cell(label: 1, centroidX: 7, centroidY: 7, nucleusAreaPixels: 36, cellAreaPixels: 100, nucleusCircularity: 0.9, cellClass: .tumour),
                     Cell(label: 2, centroidX: 21.5, centroidY: 5.5, nucleusAreaPixels: 12, cellAreaPixels: 12, nucleusCircularity: 0.7, cellClass: .tumour)]
        let seg = CellSegmentation(width: w, height: h, nucleusLabels: nl, cellLabels: cl, membraneMask: mem, cells: cells)
        return (seg, StainPlanes(width: w, height: h, matrix: StainPresets.hDAB, values: values))
    }

    @Test func aDrawnSegmentationGivesExactFeatures() throws {
        let (seg, planes) = Self.drawn()
        let f = CellFeatures.compute(seg, planes: planes, pixelSizeMicrons: 0.5)
        #expect(f.count == 2 && f.values.count == 2 * CellFeatures.dimension)
        #expect(Set(CellFeatures.names).count == CellFeatures.names.count)
        #expect(f[cell: 0, feature: "Nucleus: Area µm^2"] == 9)
        #expect(f[cell: 0, feature: "Cell: Area µm^2"] == 25)
        #expect(f[cell: 0, feature: "Nucleus/Cell area ratio"] == 0.36)
        #expect(f[cell: 0, feature: "Nucleus: Circularity"] == 0.9)
        #expect(f[cell: 0, feature: "Nucleus: Solidity"] == 1)
        #expect(abs(try #require(f[cell: 0, feature: "Nucleus: Eccentricity"])) < 1e-6)
        #expect(f[cell: 0, feature: "Nucleus: Hematoxylin OD mean"] == 0.5)
        #expect(f[cell: 0, feature: "Nucleus: Hematoxylin OD std dev"] == 0)
        #expect(f[cell: 0, feature: "Nucleus: Hematoxylin OD contrast"] == 0)
        #expect(f[cell: 0, feature: "Cytoplasm: DAB OD mean"] == 0.3)
        #expect(f[cell: 0, feature: "Cytoplasm: DAB OD max"] == 0.3)
        #expect(f[cell: 0, feature: "Membrane: DAB OD mean"] == 0.3)
        #expect(abs(try #require(f[cell: 0, feature: "Cell: DAB OD mean"]) - 0.3 * 64 / 100) < 1e-6)
        #expect(abs(try #require(f[cell: 0, feature: "Cell: Hematoxylin OD mean"]) - 0.5 * 36 / 100) < 1e-6)
        // The L: 12 pixels in a hull of 4x2 + trapezoid down to the 2-wide foot = 14.
        #expect(abs(try #require(f[cell: 1, feature: "Nucleus: Solidity"]) - Float(12.0 / 14.0)) < 1e-6)
        #expect(try #require(f[cell: 1, feature: "Nucleus: Eccentricity"]) > 0.3)
        #expect(f[cell: 1, feature: "Nucleus: Hematoxylin OD mean"] == 0.4)
        #expect(abs(try #require(f[cell: 1, feature: "Nucleus: Hematoxylin OD std dev"]) - 0.2) < 1e-6)
        #expect(f[cell: 1, feature: "Nucleus: Hematoxylin OD max"] == 0.6)
        #expect(f[cell: 1, feature: "Membrane: DAB OD mean"] == 0)
        // Horizontal pairs differ by 0.4, vertical ones by 0: 12 + 8 ... as counted in the L.
        #expect(try #require(f[cell: 1, feature: "Nucleus: Hematoxylin OD contrast"]) > 0.1)
        // The two centres are 15.2 px = 7.6 µm apart: one neighbour within 25 µm, per mm².
        let disc25 = Float(1 / (Double.pi * 25 * 25 / 1e6))
        #expect(abs(try #require(f[cell: 0, feature: "Density: cells within 25 µm per mm^2"]) - disc25) < 0.01)
        #expect(abs(try #require(f[cell: 1, feature: "Density: cells within 50 µm per mm^2"]) - disc25 / 4) < 0.01)
        // Smoothed nucleus areas (9 and 3 µm²): the cell itself weighs 1, the other the Gaussian of
        // their distance, at 25 and at 50 µm full width at half maximum.
        let d2 = ((21.5 - 7) * (21.5 - 7) + (5.5 - 7) * (5.5 - 7)) * 0.25
        for fwhm in [25, 50] {
            let sigma = Double(fwhm) / (8 * log(2.0)).squareRoot(), w = exp(-d2 / (2 * sigma * sigma))
            for (cell, own, other) in [(0, 9.0, 3.0), (1, 3.0, 9.0)] {
                let got = try #require(f[cell: cell, feature: "Smoothed: \(fwhm) µm: Nucleus: Area µm^2"])
                #expect(abs(Double(got) - (own + w * other) / (1 + w)) < 1e-5, "cell \(cell), \(fwhm) µm: \(got)")
            }
        }
    }

    /// Values of a fixed synthetic tile's features as computed before the feature pass was made
    /// faster (issue 17): the 44 columns there were then may not move when others are added.
    /// A digest of those 140 x 44 float bit patterns (FNV-1a over the UInt32s, row by row, the
    /// columns in their old order), and some values by name. (Bit patterns with this platform's libm, as CI's.)
    static let pinnedDigest: UInt64 = 0x6919_2556_b0c3_58a9
    static let pinned: [(cell: Int, feature: String, bits: UInt32)] = [
        (0, "Nucleus: Solidity", 0x3f6a2ba9), (0, "Nucleus: Eccentricity", 0x3f1deb84),
        (0, "Nucleus: Hematoxylin OD contrast", 0x3c0da202), (0, "Cytoplasm: DAB OD std dev", 0x3c07e36d),
        (0, "Smoothed: 25 µm: Nucleus: Area µm^2", 0x4228e70a), (70, "Nucleus: Solidity", 0x3f67b541),
        (70, "Density: cells within 25 µm per mm^2", 0x457ea5dd),
        (70, "Smoothed: 25 µm: Nucleus: Hematoxylin OD contrast", 0x3caea78b),
        (139, "Nucleus: Area µm^2", 0x41b40000), (139, "Nucleus: Eccentricity", 0x3f3d9533),
        (139, "Membrane: Hematoxylin OD mean", 0x3e8202aa),
    ]

    @Test func aFixedSyntheticTileGivesThePinnedFeatureValues() throws {
        let (image, _) = SyntheticTile.generate(TileSpec(marker: .ki67, width: 384, height: 384, positiveFraction: 0.4), seed: 11)
        let analysis = TileScorer.analyse(image, name: "t", marker: .ki67, settings: ScoringSettings())
        // The nuclei as the default preset found them when these were pinned: the OD sum alone,
        // without the hematoxylin pass added since (the feature pass is what this test holds still).
        let px = analysis.score.pixelSizeMicrons
        var p = TileScorer.cellParameters(for: .ki67, pixelSizeMicrons: px)
        p.hematoxylinPassThreshold = nil
        let segmentation = CellDetector.detect(analysis.planes, tissue: analysis.tissue, parameters: p)
        let f = CellFeatures.compute(segmentation, planes: analysis.planes, pixelSizeMicrons: px)
        #expect(f.count == 140)
        for (cell, feature, bits) in Self.pinned {
            let value = try #require(f[cell: cell, feature: feature])
            #expect(value.bitPattern == bits, "cell \(cell) \(feature): \(value), pinned \(Float(bitPattern: bits))")
        }
        let added: Set<String> = ["Nucleus: Length µm", "Nucleus: Width µm", "Neighbours: nearest nucleus µm",
                                  "Neighbours: 25 µm: orientation coherence", "Neighbours: 25 µm: orientation alignment",
                                  "Neighbours: 25 µm: layout anisotropy", "Neighbours: 25 µm: nucleus across layout",
                                  "Neighbours: 50 µm: relative Nucleus: Hematoxylin OD mean",
                                  "Neighbours: 50 µm: relative Nucleus: Area µm^2"]
        // The old columns: the 33 base ones before the added base columns, and the first 11 smoothed.
        let base = CellFeatures.baseDimension
        let old = Array(0..<(base - added.count)) + Array(base..<(base + 11))
        #expect(added == Set(CellFeatures.names[(base - added.count)..<base]))
        #expect(old.allSatisfy { !added.contains(CellFeatures.names[$0]) } && old.count == 44)
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<f.count {
            for k in old { digest = (digest ^ UInt64(f.values[i * CellFeatures.dimension + k].bitPattern)) &* 0x100_0000_01b3 }
        }
        #expect(digest == Self.pinnedDigest, "digest \(String(digest, radix: 16))")
    }

    /// The hull of a set of pixel squares by brute force: every square's four corners, sorted,
    /// through Andrew's monotone chain (as the feature pass computed it before issue 17).
    static func referenceHullArea(_ pixels: [(x: Int, y: Int)]) -> Double {
        var pts: [(Double, Double)] = []
        for p in pixels {
            let x = Double(p.x), y = Double(p.y)
            pts += [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)]
        }
        pts.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var hull: [(Double, Double)] = []
        for p in pts {
            while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        let lower = hull.count + 1
        for p in pts.reversed().dropFirst() {
            while hull.count >= lower && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        hull.removeLast()
        var s = 0.0
        for k in hull.indices { let p = hull[k], q = hull[(k + 1) % hull.count]; s += p.0 * q.1 - q.0 * p.1 }
        return abs(s) / 2
    }

    @Test func theHullFromRowExtremesIsTheHullOfEveryPixelCorner() {
        var rng = SplitMix64(seed: 17)
        var scratch = CellFeatures.HullScratch()
        for shape in 0..<300 {
            // Random blobs: rows with one to three runs each, some rows missing.
            var pixels: [(x: Int, y: Int)] = [], runs: [Int32] = []
            let top = Int(rng.next() % 50), rows = 1 + Int(rng.next() % 12)
            for y in top..<(top + rows) where shape % 3 != 0 || rng.next() % 4 != 0 {
                var x = Int(rng.next() % 20) + 100
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let width = 1 + Int(rng.next() % 8)
                    runs += [Int32(y), Int32(x), Int32(x + width)]
                    for xx in x..<(x + width) { pixels.append((xx, y)) }
                    x += width + 1 + Int(rng.next() % 4)
                }
            }
            guard !runs.isEmpty else { continue }
            let area = runs.withUnsafeBufferPointer { CellFeatures.hullArea($0, scratch: &scratch) }
            #expect(area == Self.referenceHullArea(pixels), "shape \(shape)")
        }
    }

    @Test func closedFormRunMomentsAreTheSameDoublesAsPixelByPixel() {
        var rng = SplitMix64(seed: 23)
        var closed = [Double](repeating: 0, count: 5), byPixel = closed
        for _ in 0..<2_000 {
            // Runs anywhere in a 10,000-pixel tile, one to 2,000 pixels long (sums stay far below 2^53).
            let y = Int(rng.next() % 10_000), x0 = Int(rng.next() % 10_000), n = 1 + Int(rng.next() % 2_000)
            closed.withUnsafeMutableBufferPointer { CellFeatures.addMoments($0.baseAddress!, y: y, x0: x0, x1: x0 + n) }
            let fy = Double(y) + 0.5
            for x in x0..<(x0 + n) {
                let fx = Double(x) + 0.5
                byPixel[0] += fx; byPixel[1] += fy; byPixel[2] += fx * fx; byPixel[3] += fy * fy; byPixel[4] += fx * fy
            }
            #expect(closed == byPixel, "y \(y), x \(x0)..<\(x0 + n)")
        }
    }

    @Test func syntheticCellsDifferByClassTheSameOnAnyThreadCountAndIgnoreFarCells() throws {
        let (image, truth) = SyntheticTile.generate(TileSpec(marker: .ki67, width: 384, height: 384, positiveFraction: 0.4), seed: 11)
        let analysis = TileScorer.analyse(image, name: "t", marker: .ki67, settings: ScoringSettings())
        let seg = analysis.segmentation, px = analysis.score.pixelSizeMicrons
        #expect(seg.cells.count > 50)
        func features(_ threads: Int?) -> CellFeatures {
            let previous = Parallel.setThreadLimit(threads)
            defer { Parallel.setThreadLimit(previous) }
            return CellFeatures.compute(seg, planes: analysis.planes, pixelSizeMicrons: px)
        }
        let all = features(nil)
        #expect(all == features(1))
        #expect(all == features(2))
        #expect(all.values.allSatisfy { $0.isFinite })
        // Truth lymphocytes (small, round, dense) have smaller nuclei than tumour cells.
        var areas: [CellClass: [Float]] = [:]
        for (i, c) in seg.cells.enumerated() {
            let t = truth.nucleusLabels[Int(c.centroidY) * truth.width + Int(c.centroidX)]
            guard t > 0, let cls = truth.cells.first(where: { $0.label == t })?.cellClass else { continue }
            areas[cls, default: []].append(try #require(all[cell: i, feature: "Nucleus: Area µm^2"]))
        }
        func mean(_ v: [Float]) -> Float { v.reduce(0, +) / Float(max(v.count, 1)) }
        let lymph = try #require(areas[.lymphocyte]), tumour = try #require(areas[.tumour])
        #expect(mean(lymph) < 0.7 * mean(tumour), "lymphocyte \(mean(lymph)) tumour \(mean(tumour))")
        // Dropping every cell more than 50 µm from cell 0 leaves cell 0's row exactly as it was.
        let a = seg.cells[0], r = 50.5 / px
        var near = seg
        let far = Set(seg.cells.filter { ($0.centroidX - a.centroidX) * ($0.centroidX - a.centroidX)
                                         + ($0.centroidY - a.centroidY) * ($0.centroidY - a.centroidY) > r * r }.map(\.label))
        #expect(!far.isEmpty)
        near.cells.removeAll { far.contains($0.label) }
        for i in near.nucleusLabels.indices {
            if far.contains(near.nucleusLabels[i]) { near.nucleusLabels[i] = 0 }
            if far.contains(near.cellLabels[i]) { near.cellLabels[i] = 0; near.membraneMask[i] = 0 }
        }
        let cut = CellFeatures.compute(near, planes: analysis.planes, pixelSizeMicrons: px)
        #expect(cut.row(0) == all.row(0))
    }

    /// A horizontal row of five 8 x 2 px nuclei at 0.5 µm: standing `across` the row (as columnar
    /// epithelium; 8 px = 4 µm apart) or lying along it (as spindle stroma; 10 px = 5 µm apart).
    static func row(across: Bool) -> (CellSegmentation, StainPlanes) {
        let w = 64, h = 48, n = w * h
        var nl = [Int32](repeating: 0, count: n), values = [Float](repeating: 0, count: 3 * n)
        var cells: [Cell] = []
        let (bw, bh, step) = across ? (2, 8, 8) : (8, 2, 10)
        for k in 0..<5 {
            let ox = 4 + step * k, oy = 20
            for y in oy..<(oy + bh) { for x in ox..<(ox + bw) { nl[y * w + x] = Int32(k + 1); values[y * w + x] = 0.5 } }
            cells.append(Cell(label: Int32(k + 1), centroidX: Double(ox) + Double(bw) / 2, centroidY: Double(oy) + Double(bh) / 2,
                              nucleusAreaPixels: 16, cellAreaPixels: 16, nucleusCircularity: 0.6, cellClass: .tumour))
        }
        let seg = CellSegmentation(width: w, height: h, nucleusLabels: nl, cellLabels: nl,
                                   membraneMask: [UInt8](repeating: 0, count: n), cells: cells)
        return (seg, StainPlanes(width: w, height: h, matrix: StainPresets.hDAB, values: values))
    }

    @Test func theNeighbourhoodShowsWhetherNucleiStandAcrossTheirRow() throws {
        for across in [true, false] {
            let (seg, planes) = Self.row(across: across)
            let f = CellFeatures.compute(seg, planes: planes, pixelSizeMicrons: 0.5)
            func v(_ name: String) throws -> Double { Double(try #require(f[cell: 2, feature: name])) }
            // An 8 px run's pixel squares: variance (64 - 1) / 12 of the centres + 1 / 12 = 64 / 12.
            #expect(abs(try v("Nucleus: Length µm") - 4 * (64.0 / 12).squareRoot() * 0.5) < 1e-4)
            #expect(abs(try v("Nucleus: Width µm") - 4 * (4.0 / 12).squareRoot() * 0.5) < 1e-4)
            #expect(abs(try v("Neighbours: nearest nucleus µm") - (across ? 4 : 5)) < 1e-5)
            #expect(abs(try v("Neighbours: 25 µm: orientation coherence") - 1) < 1e-6)
            #expect(abs(try v("Neighbours: 25 µm: orientation alignment") - 1) < 1e-6)
            #expect(abs(try v("Neighbours: 25 µm: layout anisotropy") - 1) < 1e-6)
            #expect(abs(try v("Neighbours: 25 µm: nucleus across layout") - (across ? -1 : 1)) < 1e-6, "across \(across)")
            #expect(abs(try v("Neighbours: 50 µm: relative Nucleus: Hematoxylin OD mean") - 1) < 1e-6)
            #expect(abs(try v("Neighbours: 50 µm: relative Nucleus: Area µm^2") - 1) < 1e-6)
        }
        // Alone: no neighbours, nearest 50 µm, relative values 1.
        var (seg, planes) = Self.row(across: true)
        seg.cells = [seg.cells[2]]
        let f = CellFeatures.compute(seg, planes: planes, pixelSizeMicrons: 0.5)
        #expect(f[cell: 0, feature: "Neighbours: nearest nucleus µm"] == 50)
        #expect(f[cell: 0, feature: "Neighbours: 25 µm: orientation coherence"] == 0)
        #expect(f[cell: 0, feature: "Neighbours: 50 µm: relative Nucleus: Area µm^2"] == 1)
    }
}

/// The context columns on a drawn image: glass on the left half, even tissue on the right.
@Suite struct CellContextFeaturesTests {
    /// 200 x 100 px at 0.5 µm (finest blocks 4 px = 2 µm): x < 100 glass (H = DAB = 0), the rest
    /// H 0.3, DAB 0.1. Cell 1 stands 3 µm into the tissue (x 106: block 26), cell 2 at 45 µm (x 190).
    static func halfGlass() -> (CellSegmentation, StainPlanes) {
        let w = 200, h = 100, n = w * h
        var values = [Float](repeating: 0, count: 3 * n)
        for y in 0..<h { for x in 100..<w { values[y * w + x] = 0.3; values[n + y * w + x] = 0.1 } }
        var nl = [Int32](repeating: 0, count: n)
        for (label, cx) in [(Int32(1), 106), (Int32(2), 190)] {
            for y in 48..<52 { for x in (cx - 2)..<(cx + 2) { nl[y * w + x] = label } }
        }
        let cells = [Cell(label: 1, centroidX: 106, centroidY: 50, nucleusAreaPixels: 16, cellAreaPixels: 16, nucleusCircularity: 0.9, cellClass: .tumour),
                     Cell(label: 2, centroidX: 190, centroidY: 50, nucleusAreaPixels: 16, cellAreaPixels: 16, nucleusCircularity: 0.9, cellClass: .tumour)]
        let seg = CellSegmentation(width: w, height: h, nucleusLabels: nl, cellLabels: nl,
                                   membraneMask: [UInt8](repeating: 0, count: n), cells: cells)
        return (seg, StainPlanes(width: w, height: h, matrix: StainPresets.hDAB, values: values))
    }

    @Test func glassBesideACellShowsInItsContext() throws {
        let (seg, planes) = Self.halfGlass()
        let f = CellFeatures.compute(seg, planes: planes, pixelSizeMicrons: 0.5)
        func v(_ cell: Int, _ name: String) throws -> Double { Double(try #require(f[cell: cell, feature: name])) }
        #expect(CellFeatures.names.suffix(21).first == "Context: 5 µm: clear fraction")
        // Cell 1. 5 µm: blocks 24...28 of 2 µm (x 96-115), one of them glass. 10 µm: blocks 11...15
        // of 4 µm (x 88-127, 12 px glass of 40). 20 µm: blocks 4...8 of 8 µm (x 64-143, 36 of 80).
        // 40 µm: blocks 1...5 of 16 µm (x 32-191, 68 of 160). Every row is alike.
        #expect(abs(try v(0, "Context: 5 µm: clear fraction") - 0.2) < 1e-6)
        #expect(abs(try v(0, "Context: 5 µm: Hematoxylin OD mean") - 0.3 * 0.8) < 1e-6)
        #expect(abs(try v(0, "Context: 5 µm: DAB OD mean") - 0.1 * 0.8) < 1e-6)
        #expect(abs(try v(0, "Context: 5 µm: Hematoxylin OD std dev") - 0.3 * 0.4) < 1e-5)
        #expect(abs(try v(0, "Context: 10 µm: clear fraction") - 0.3) < 1e-6)
        #expect(abs(try v(0, "Context: 20 µm: clear fraction") - 0.45) < 1e-6)
        #expect(abs(try v(0, "Context: 40 µm: clear fraction") - 68.0 / 160) < 1e-6)
        // Its 4 µm block (x 104-107) is next to one that is half glass (x 96-103).
        #expect(abs(try v(0, "Context: distance to clear µm") - 4) < 1e-6)
        // Cell 2: tissue all round at 5, 10 and 20 µm; the nearest clear 4 µm block is 11 away.
        for r in [5, 10, 20] {
            #expect(try v(1, "Context: \(r) µm: clear fraction") == 0)
            #expect(abs(try v(1, "Context: \(r) µm: Hematoxylin OD mean") - 0.3) < 1e-6)
            #expect(try v(1, "Context: \(r) µm: DAB OD std dev") < 1e-3)
        }
        #expect(abs(try v(1, "Context: distance to clear µm") - 44) < 1e-5)
    }

    @Test func noGlassAnywhereIsFarAndTheColumnsFollowTheODScale() throws {
        let (seg, planes) = Self.halfGlass()
        var tissue = planes
        let n = planes.width * planes.height
        for i in 0..<n where tissue.values[i] == 0 { tissue.values[i] = 0.3; tissue.values[n + i] = 0.1 }
        let f = CellFeatures.compute(seg, planes: tissue, pixelSizeMicrons: 0.5)
        #expect(f[cell: 0, feature: "Context: distance to clear µm"] == Float(CellFeatures.contextFarMicrons))
        var scaled = seg
        scaled.odScale = 2
        let g = CellFeatures.compute(scaled, planes: tissue, pixelSizeMicrons: 0.5)
        #expect(abs(try #require(g[cell: 1, feature: "Context: 20 µm: Hematoxylin OD mean"]) - 0.6) < 1e-6)
    }

    /// Tiny images, a centre on the far edge, coarse and fine pixels, no DAB plane: finite values.
    @Test func edgeCasesGiveFiniteContext() throws {
        for (w, h, px) in [(1, 1, 0.5), (3, 2, 0.5), (7, 5, 10.0), (90, 40, 0.05)] {
            let n = w * h
            var nl = [Int32](repeating: 0, count: n)
            nl[n - 1] = 1
            let cell = Cell(label: 1, centroidX: Double(w), centroidY: Double(h), nucleusAreaPixels: 1, cellAreaPixels: 1,
                            nucleusCircularity: 1, cellClass: .tumour)
            let seg = CellSegmentation(width: w, height: h, nucleusLabels: nl, cellLabels: nl,
                                       membraneMask: [UInt8](repeating: 0, count: n), cells: [cell])
            let planes = StainPlanes(width: w, height: h, matrix: StainPresets.hDAB, values: [Float](repeating: 0.2, count: 3 * n))
            let f = CellFeatures.compute(seg, planes: planes, pixelSizeMicrons: px)
            let context = f.row(0).suffix(CellFeatures.contextNames.count)
            #expect(context.allSatisfy { $0.isFinite }, "\(w)x\(h) at \(px) µm")
            #expect(abs(try #require(f[cell: 0, feature: "Context: 40 µm: Hematoxylin OD mean"]) - 0.2) < 1e-6)
        }
    }

    /// With H and eosin (no DAB plane) the DAB columns are 0 and clear is decided by H alone.
    @Test func withoutADABPlaneDABIsZero() throws {
        let (seg, planes) = CellContextFeaturesTests.halfGlass()
        let he = StainPlanes(width: planes.width, height: planes.height, matrix: StainPresets.hE, values: planes.values)
        let f = CellFeatures.compute(seg, planes: he, pixelSizeMicrons: 0.5)
        #expect(f[cell: 1, feature: "Context: 20 µm: DAB OD mean"] == 0)
        #expect(abs(try #require(f[cell: 0, feature: "Context: 5 µm: clear fraction"]) - 0.2) < 1e-6)
    }
}
