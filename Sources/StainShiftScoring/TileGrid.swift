import Foundation
import StainShiftCells
import StainShiftTissue

/// The analysis grid of a large image: cores of `tileSize` pixels edge to edge (the last row and
/// column clipped to the image), each read with a margin on every side so that cells near a core's
/// edge are detected whole. A cell belongs to the core that holds its nucleus centroid, so no cell
/// is counted twice and the cores' totals add up to the image's.
public struct TileGrid: Sendable, Equatable {
    /// One analysis tile: its core (counted) and the region read around it, in image pixels.
    public struct Tile: Sendable, Equatable {
        /// Position in the grid (column, row); tiles are listed row by row.
        public var column: Int, row: Int
        public var core: TileRect
        /// `core` grown by the margin and clipped to the image.
        public var read: TileRect
        /// The core in the coordinates of the read region (what `TileScorer.analyse(core:)` takes).
        public var localCore: TileRect { core.offsetBy(dx: -read.x, dy: -read.y) }
    }

    public let width: Int, height: Int
    public let tileSize: Int
    public let margin: Int
    public let columns: Int, rows: Int
    /// Row by row, left to right: the order results are summed in.
    public let tiles: [Tile]

    /// The grid of a `width` x `height` image with cores of `tileSize` and reads `margin` wider.
    public init(width: Int, height: Int, tileSize: Int, margin: Int) {
        self.width = max(0, width); self.height = max(0, height)
        self.tileSize = max(1, tileSize); self.margin = max(0, margin)
        columns = (self.width + self.tileSize - 1) / self.tileSize
        rows = (self.height + self.tileSize - 1) / self.tileSize
        let image = TileRect(x: 0, y: 0, width: self.width, height: self.height)
        var tiles: [Tile] = []
        tiles.reserveCapacity(columns * rows)
        for r in 0..<rows {
            for c in 0..<columns {
                let x = c * self.tileSize, y = r * self.tileSize
                let core = TileRect(x: x, y: y, width: min(self.tileSize, self.width - x), height: min(self.tileSize, self.height - y))
                let read = core.expanded(by: self.margin).intersection(image) ?? core
                tiles.append(Tile(column: c, row: r, core: core, read: read))
            }
        }
        self.tiles = tiles
    }

    /// The overlap margin per side, in pixels, for cells detected with `parameters` (see
    /// `marginMicrons`), rounded up to whole pixels and then to a multiple of the tissue detector's
    /// block (`TissueDetector.workingPixelSizeMicrons`) and of an integer detection downsampling, so
    /// that a read whose origin is on the image's grid of those blocks (cores at multiples of a tile
    /// size such as 2048) averages the same pixels into each block as the whole image does.
    public static func margin(for parameters: CellParameters) -> Int {
        let px = parameters.pixelSizeMicrons.isFinite && parameters.pixelSizeMicrons > 0 ? parameters.pixelSizeMicrons : 0.5
        let m = Int((marginMicrons(for: parameters) / px - 1e-9).rounded(.up))
        var step = max(1, Int(TissueDetector.workingPixelSizeMicrons / px))
        let detection = max(1, (parameters.requestedPixelSizeMicrons ?? px) / px)
        if detection > 1.0001, abs(detection - detection.rounded()) < 1e-6 { step = lcm(step, Int(detection.rounded())) }
        return (m + step - 1) / step * step
    }

    /// The context a cell whose nucleus centroid lies in a core needs around it, in µm, so that it
    /// is segmented as in one read of the whole image: the largest nucleus's radius r = sqrt(max
    /// area / pi), plus how far its cell reaches beyond the nucleus (the expansion e, or the
    /// contrast check's ring when wider), plus the support of the detection filters around the
    /// outermost pixel read (the Gaussian's truncation radius, ceil(3.5 sigma) working pixels, and
    /// one working pixel for the Laplacian and the 3 x 3 dilation). Neighbouring reads then overlap
    /// by 2 (r + e + support), at least QuPath's 2 (r + e) (`WatershedCellDetection.getTileOverlap`).
    /// distance-watershed (sigma 1.5 µm at native pixels): 21.8 µm at 0.25 µm/px, 22.3 µm at 0.5;
    /// the default preset (sigma 2 µm on 0.5 µm working pixels): 23.8 µm.
    public static func marginMicrons(for parameters: CellParameters) -> Double {
        let px = parameters.pixelSizeMicrons.isFinite && parameters.pixelSizeMicrons > 0 ? parameters.pixelSizeMicrons : 0.5
        let radius = (max(parameters.maxNucleusAreaMicrons2, 0) / Double.pi).squareRoot()
        let ring = parameters.minNucleusContrast == nil ? 0 : max(parameters.contrastRingMicrons, 0)
        let reach = max(parameters.cellExpansionMicrons, ring, 0)
        let workPx = max(px, parameters.requestedPixelSizeMicrons ?? px)
        let sigma = max(parameters.sigmaMicrons, 0) / workPx
        let support = sigma >= 0.05 ? Double(GaussianBlur.kernel(sigma: sigma).count / 2 + 1) * workPx : workPx
        return radius + reach + support
    }

    private static func lcm(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return a / x * b
    }
}
