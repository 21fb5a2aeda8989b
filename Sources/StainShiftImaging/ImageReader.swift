import Foundation
import StainShiftFoundation

/// How to read an image: which page, the pixel budget, and how many threads may decode.
public struct ReadOptions: Sendable, Equatable {
    /// Zero-based page (TIFF directory) to read.
    public var page: Int
    /// Largest pixel count a read may allocate; checked from the header first.
    public var maxPixels: Int
    /// Threads that decode TIFF strips or tiles in parallel, each through its own libtiff
    /// handle; 0 means all active cores. The pixels are identical whatever the count.
    public var threads: Int

    public init(page: Int = 0, maxPixels: Int = ReadOptions.defaultMaxPixels, threads: Int = 0) {
        self.page = page
        self.maxPixels = maxPixels
        self.threads = threads
    }

    /// 256 megapixels: a 16k x 16k region, about 768 MB of 8-bit RGB.
    public static let defaultMaxPixels = 256 * 1024 * 1024

    /// The thread count to use: `threads`, or every active core when it is 0 or negative.
    var effectiveThreads: Int {
        threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Reads TIFF, PNG and JPEG files, and whole slides through OpenSlide, into `RGBImage`, choosing the
/// decoder from the file's magic bytes (and, for slides, its extension and OpenSlide's probe).
public enum ImageReader {
    /// The whole page, orientation applied, alpha composited over white. Whole slides
    /// (`.slide`): the whole of level `options.page` (0 = full resolution) when it fits
    /// `options.maxPixels`, else a one-line error (read such slides in regions).
    public static func read(_ path: String, options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        switch try ImageFormat.sniff(path) {
        case .png: return try PNGReader.read(path, options: options)
        case .tiff: return try TIFFReader.read(path, options: options)
        case .jpeg: return try JPEGReader.read(path, options: options)
        case .slide: return try SlideReader(path).read(level: options.page, options: options)
        }
    }

    /// The rectangle `x, y, width, height` of the page (in the coordinates of `read`'s result),
    /// decoding only the TIFF strips or tiles that cover it, so large images can be processed in
    /// windows with bounded memory. `options.maxPixels` applies to the rectangle. PNG and JPEG
    /// have no random access: they are decoded whole (within `maxPixels`) and cut. Whole slides:
    /// `options.page` picks the level, `x, y` are in that level's pixels (as everywhere here; the
    /// same as OpenSlide's level-0 frame at level 0; at a level whose downsample is not a whole
    /// number OpenSlide resamples to the nearest level-0 pixel, a fraction of a pixel off),
    /// pixels outside the slide read as white, and
    /// each call opens the slide: for many regions hold one `SlideReader` instead.
    public static func readRegion(_ path: String, x: Int, y: Int, width: Int, height: Int,
                                  options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        let rect = PixelRect(x: x, y: y, width: width, height: height)
        switch try ImageFormat.sniff(path) {
        case .png, .jpeg:
            let whole = try read(path, options: options)
            try rect.check(within: whole.width, whole.height, path: path)
            return whole.cropped(to: rect)
        case .tiff:
            return try TIFFReader.read(path, region: rect, options: options)
        case .slide:
            let slide = try SlideReader(path)
            try slide.checkLevel(options.page)
            let downsample = slide.levels[options.page].downsample
            return try slide.readRegion(level: options.page, x: Int((Double(x) * downsample).rounded()),
                                        y: Int((Double(y) * downsample).rounded()), width: width, height: height, options: options)
        }
    }

    /// A rectangle of a TIFF page through libtiff, also when the file is a whole slide OpenSlide
    /// reads (a generic pyramidal TIFF, whose page 0 is level 0): for a lossless RGB page the same
    /// pixels as OpenSlide's, without its RGBA conversion and compositing (tiled whole-slide scoring).
    public static func readTIFFRegion(_ path: String, x: Int, y: Int, width: Int, height: Int,
                                      options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        try TIFFReader.read(path, region: PixelRect(x: x, y: y, width: width, height: height), options: options)
    }

    /// Size, layout and pixel size of one page from the header alone.
    public static func info(_ path: String, page: Int = 0) throws(FileError) -> ImageInfo {
        switch try ImageFormat.sniff(path) {
        case .png:
            guard page == 0 else { throw FileError(path: path, reason: "page \(page) requested but a PNG has only page 0") }
            return try PNGReader.info(path)
        case .tiff: return try TIFFReader.info(path, page: page)
        case .jpeg:
            guard page == 0 else { throw FileError(path: path, reason: "page \(page) requested but a JPEG has only page 0") }
            return try JPEGReader.info(path)
        case .slide: return try SlideReader(path).info(level: page)
        }
    }
}

/// The container formats StainShift reads, told apart by their first bytes; `slide` is any
/// whole-slide format read through OpenSlide (see `SlideProbe`).
public enum ImageFormat: String, Sendable {
    case tiff, png, jpeg, slide

    static func sniff(_ path: String) throws(FileError) -> ImageFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw FileError(path: path, reason: "is a directory, not an image") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if head.isEmpty { throw FileError(path: path, reason: "file is empty (0 bytes)") }
        if let slide = try SlideProbe.format(path, head: head) { return slide }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0x49, 0x49]) || head.starts(with: [0x4D, 0x4D]) { return .tiff }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }  // SOI then the first marker (ITU T.81, B.2.1)
        throw FileError(path: path, reason: "not a TIFF, PNG or JPEG file (unrecognised signature)")
    }
}
