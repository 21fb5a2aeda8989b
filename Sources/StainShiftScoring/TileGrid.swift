import Foundation
import StainShiftCells

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

    /// The overlap margin, in pixels, for cells detected with `parameters`: 2 x (largest nucleus
    /// radius + cell expansion), QuPath's `WatershedCellDetection.getTileOverlap`. A cell whose
    /// centroid lies in the core then lies, with its expansion, inside the read region by at least
    /// one cell's radius, so smoothing and watershed see the same neighbourhood as in one large read.
    public static func margin(for parameters: CellParameters) -> Int {
        let px = parameters.pixelSizeMicrons.isFinite && parameters.pixelSizeMicrons > 0 ? parameters.pixelSizeMicrons : 0.5
        let radius = (max(parameters.maxNucleusAreaMicrons2, 0) / Double.pi).squareRoot()
        let overlap = 2 * (radius + max(parameters.cellExpansionMicrons, 0))
        return Int((overlap / px).rounded(.up))
    }
}
