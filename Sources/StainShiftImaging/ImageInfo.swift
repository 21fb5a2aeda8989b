/// What a file's header says about one page, read without decoding pixels: cheap enough to
/// call before planning a windowed read of a large image.
///
/// `width` and `height` are those of the image `ImageReader.read` returns (after the TIFF or EXIF
/// Orientation tag is applied); the tile size is as stored.
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var bitsPerSample: Int
    public var samplesPerPixel: Int
    /// `rgb`, `minisblack`, `miniswhite`, `palette`, `ycbcr`, `rgba` (PNG), ... in lower case.
    public var photometric: String
    /// `none`, `lzw`, `deflate`, `jpeg`, `packbits`, ... (PNG: `deflate`).
    public var compression: String
    public var tiled: Bool
    public var tileWidth: Int?
    public var tileHeight: Int?
    /// TIFF directories in the file (1 for PNG and JPEG).
    public var pages: Int
    public var pixelSizeMicrons: Double?
    /// TIFF Orientation tag, or a JPEG's EXIF Orientation (1 = rows top to bottom, columns left to right).
    public var orientation: Int
    /// The pyramid, level 0 first: whole slides (format `.slide`) always; TIFFs when later
    /// pages are smaller tiled copies of page 0 (`TIFFPyramid`); empty otherwise.
    public var levels: [SlideLevel] = []
    /// Per level, the `ReadOptions.page` that reads it: the level index for whole slides, the TIFF
    /// directory for TIFF pyramids (thumbnails or labels between levels are skipped).
    public var levelPages: [Int] = []
    /// Whole slides: `openslide.vendor` (`aperio`, `hamamatsu`, ...).
    public var vendor: String? = nil
    /// Whole slides: the objective magnification, when the file records it.
    public var objectivePower: Double? = nil
    /// Whole slides: names of the associated images (`label`, `macro`, `thumbnail`, ...).
    public var associatedImages: [String] = []

    public init(format: ImageFormat, width: Int, height: Int, bitsPerSample: Int, samplesPerPixel: Int,
                photometric: String, compression: String, tiled: Bool, tileWidth: Int?, tileHeight: Int?,
                pages: Int, pixelSizeMicrons: Double?, orientation: Int = 1) {
        self.format = format
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.samplesPerPixel = samplesPerPixel
        self.photometric = photometric
        self.compression = compression
        self.tiled = tiled
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.pages = pages
        self.pixelSizeMicrons = pixelSizeMicrons
        self.orientation = orientation
    }
}
