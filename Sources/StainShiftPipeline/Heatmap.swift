import StainShiftFoundation
import Foundation
import StainShiftCells
import StainShiftImaging
import StainShiftScoring

/// `--heatmap`: positive cells per mm² on a grid of square bins of `binMicrons` (default 50 µm),
/// counted from the counted cells' centres (those of `cells.total`), so it is the same however the
/// image was tiled. A cell is positive when it is in the marker's scored population
/// (`Marker.scoredCells`: tumour cells, or every cell for Ki67) and its call is not negative.
/// Bins at the image's right and bottom edges are partial: their density is over the part inside.
///
/// The picture (`image()`) has one pixel per bin: the density on viridis (a perceptually uniform
/// colour map), 0 at its dark end and `maxPerMM2` at its yellow end; bins without a counted cell
/// are white. The range is stated beside it (`json`, the score JSON's `heatmap`) and in the
/// PNG's tEXt chunks (`write`).
public struct Heatmap: Sendable, Equatable {
    public static let defaultBinMicrons = 50.0

    public let binMicrons: Double
    public let pixelSizeMicrons: Double
    public let imageWidth: Int, imageHeight: Int
    public let columns: Int, rows: Int
    /// Per bin (row-major): counted cells, and positive cells of the scored population.
    public private(set) var cells: [Int32]
    public private(set) var positive: [Int32]

    /// Image pixels per bin edge.
    var binPixels: Double { binMicrons / pixelSizeMicrons }

    public init(imageWidth: Int, imageHeight: Int, pixelSizeMicrons px: Double, binMicrons: Double = Heatmap.defaultBinMicrons) {
        let px = px.isFinite && px > 0 ? px : ScoringSettings.defaultPixelSizeMicrons
        let bin = binMicrons.isFinite && binMicrons > 0 ? binMicrons : Self.defaultBinMicrons
        self.binMicrons = bin; self.pixelSizeMicrons = px
        self.imageWidth = max(0, imageWidth); self.imageHeight = max(0, imageHeight)
        let edge = bin / px
        columns = max(1, Int((Double(self.imageWidth) / edge).rounded(.up)))
        rows = max(1, Int((Double(self.imageHeight) / edge).rounded(.up)))
        cells = [Int32](repeating: 0, count: columns * rows)
        positive = cells
    }

    /// The heat map of `cells` (image coordinates; `calls` pair with them by index) on an image of
    /// `imageWidth` x `imageHeight` px.
    public init(counting cells: [Cell], calls: [CellCall], marker: Marker, imageWidth: Int, imageHeight: Int,
                pixelSizeMicrons px: Double, binMicrons: Double = Heatmap.defaultBinMicrons) {
        self.init(imageWidth: imageWidth, imageHeight: imageHeight, pixelSizeMicrons: px, binMicrons: binMicrons)
        add(cells: cells, calls: calls, marker: marker)
    }

    /// Counts the cells (image coordinates; `calls` pair with `cells` by index).
    public mutating func add(cells list: [Cell], calls: [CellCall], marker: Marker) {
        add(Self.points(list, calls: calls, marker: marker))
    }

    /// A counted cell's centre (image coordinates) and whether it is a positive scored cell: what
    /// a tiled run keeps per cell for its heat map (12 bytes instead of the whole `Cell`).
    public struct Point: Sendable, Equatable {
        public var x: Float, y: Float
        public var positive: Bool
    }

    /// The points of `cells`, moved by (`dx`, `dy`).
    public static func points(_ list: [Cell], calls: [CellCall], marker: Marker, dx: Double = 0, dy: Double = 0) -> [Point] {
        zip(list, calls).map { Point(x: Float($0.centroidX + dx), y: Float($0.centroidY + dy), positive: isScoredPositive($1, marker: marker)) }
    }

    /// Counts the points.
    public mutating func add(_ points: [Point]) {
        let edge = binPixels
        for p in points {
            let bx = min(columns - 1, max(0, Int(Double(p.x) / edge))), by = min(rows - 1, max(0, Int(Double(p.y) / edge)))
            cells[by * columns + bx] += 1
            if p.positive { positive[by * columns + bx] += 1 }
        }
    }

    /// In the marker's `percent_positive` population and not negative.
    static func isScoredPositive(_ call: CellCall, marker: Marker) -> Bool {
        guard call.positive else { return false }
        switch call.cellClass {
        case .tumour: return true
        case .lymphocyte: return marker.population == .all
        case .stroma, .other: return false
        }
    }

    /// Area of bin (`column`, `row`) inside the image, mm².
    func areaMM2(column: Int, row: Int) -> Double {
        let edge = binPixels
        let w = min(edge, Double(imageWidth) - Double(column) * edge), h = min(edge, Double(imageHeight) - Double(row) * edge)
        return max(0, w) * max(0, h) * pixelSizeMicrons * pixelSizeMicrons / 1e6
    }

    /// Positive cells per mm² per bin (row-major).
    public var densities: [Double] {
        (0..<(columns * rows)).map { i in
            let a = areaMM2(column: i % columns, row: i / columns)
            return a > 0 ? Double(positive[i]) / a : 0
        }
    }

    /// The largest bin density: the colour map's top.
    public var maxPerMM2: Double { densities.max() ?? 0 }

    /// One pixel per bin: viridis of density / `maxPerMM2`; white where no cell was counted.
    public func image() -> RGBImage {
        let d = densities, top = maxPerMM2
        var out = [UInt8](repeating: 255, count: 3 * columns * rows)
        for i in 0..<(columns * rows) where cells[i] > 0 {
            let c = Self.viridis(top > 0 ? d[i] / top : 0)
            out[3 * i] = c.0; out[3 * i + 1] = c.1; out[3 * i + 2] = c.2
        }
        return RGBImage(width: columns, height: rows, samples: .uint8(out), pixelSizeMicrons: binMicrons)
    }

    /// Viridis (matplotlib's perceptually uniform map) at `t` in 0...1: the degree-6 polynomial fit
    /// of its 256 entries (Matt Zucker's, within about 1% of the table).
    public static func viridis(_ t: Double) -> (UInt8, UInt8, UInt8) {
        let t = max(0, min(1, t.isFinite ? t : 0))
        let c: [(Double, Double, Double)] = [
            (0.2777273272234177, 0.005407344544966578, 0.3340998053353061),
            (0.1050930431085774, 1.404613529898575, 1.384590162594685),
            (-0.3308618287255563, 0.214847559468213, 0.09509516302823659),
            (-4.634230498983486, -5.799100973351585, -19.33244095627987),
            (6.228269936347081, 14.17993336680509, 56.69055260068105),
            (4.776384997670288, -13.74514537774601, -65.35303263337234),
            (-5.435455855934631, 4.645852612178535, 26.3124352495832),
        ]
        var r = 0.0, g = 0.0, b = 0.0
        for k in c.indices.reversed() { r = r * t + c[k].0; g = g * t + c[k].1; b = b * t + c[k].2 }
        func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (255 * v).rounded()))) }
        return (byte(r), byte(g), byte(b))
    }

    /// The PNG (one pixel per bin, the bin size as its pHYs) with the range in tEXt chunks:
    /// `StainShift:heatmap` = `positive cells per mm2`, `bin_um`, `max_per_mm2`.
    public func write(to path: String) throws(FileError) {
        try ImageWriter.writePNG(image(), to: path, text: [
            ("StainShift:heatmap", "positive cells per mm2, viridis from 0 (dark) to max_per_mm2 (yellow); white: no cells"),
            ("bin_um", Self.number(binMicrons)),
            ("max_per_mm2", Self.number(maxPerMM2)),
        ])
    }

    static func number(_ v: Double) -> String { String(format: "%.6g", v) }

    /// The score JSON's `heatmap` object: file, bin_um, max_per_mm2, columns, rows.
    public func json(file: String) -> JSONText {
        .object([("file", .string(file)), ("bin_um", .number(binMicrons)), ("max_per_mm2", .number(maxPerMM2)),
                 ("columns", .int(columns)), ("rows", .int(rows))])
    }
}
