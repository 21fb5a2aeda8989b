import Foundation

/// How to read an image: which page, which rectangle, and the pixel budget.
public struct ReadOptions: Sendable, Equatable {
    /// Zero-based page (TIFF directory) to read.
    public var page: Int
    /// Largest pixel count a whole-image read may allocate; checked from the header first.
    public var maxPixels: Int

    public init(page: Int = 0, maxPixels: Int = ReadOptions.defaultMaxPixels) {
        self.page = page
        self.maxPixels = maxPixels
    }

    /// 256 megapixels: a 16k x 16k region, about 768 MB of 8-bit RGB.
    public static let defaultMaxPixels = 256 * 1024 * 1024
}

/// Reads TIFF and PNG files into `RGBImage`, choosing the decoder from the file's magic bytes.
public enum ImageReader {
    public static func read(_ path: String, options: ReadOptions = ReadOptions()) throws(ImagingError) -> RGBImage {
        switch try ImageFormat.sniff(path) {
        case .png: return try PNGReader.read(path, options: options)
        case .tiff: throw ImagingError(path: path, reason: "TIFF reading is not available yet")
        }
    }
}

/// The container formats StainShift reads, told apart by their first bytes.
public enum ImageFormat: String, Sendable {
    case tiff, png

    static func sniff(_ path: String) throws(ImagingError) -> ImageFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImagingError(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw ImagingError(path: path, reason: "is a directory, not an image") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImagingError(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if head.isEmpty { throw ImagingError(path: path, reason: "file is empty (0 bytes)") }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0x49, 0x49]) || head.starts(with: [0x4D, 0x4D]) { return .tiff }
        throw ImagingError(path: path, reason: "not a TIFF or PNG file (unrecognised signature)")
    }
}
