import COpenSlide
import Foundation
import StainShiftFoundation

/// One whole-slide image opened through OpenSlide (Aperio SVS, Hamamatsu NDPI/VMS, MIRAX,
/// Leica SCN, Philips TIFF, Ventana BIF, Sakura, Trestle, generic pyramidal TIFF).
///
/// Follows openslide.h: one handle per file, every coordinate in the level-0 frame, and errors
/// sticky on the handle, so `openslide_get_error` is checked after opening and after every read
/// (after a failed read the handle is unusable and every later read fails with the same
/// message). The handle is closed when the reader is released.
///
/// `@unchecked Sendable`: OpenSlide handles are thread-safe for reads (openslide.h), and every
/// other stored property is immutable.
public final class SlideReader: @unchecked Sendable {
    public let path: String
    private let osr: OpaquePointer
    /// The pyramid, level 0 (full resolution) first.
    public let levels: [SlideLevel]
    /// Every property OpenSlide reports (`openslide.*`, `aperio.*`, `tiff.*`, ...).
    public let properties: [String: String]
    /// Names of the extra images stored beside the pyramid (`label`, `macro`, `thumbnail`, ...).
    public let associatedImageNames: [String]

    /// Opens `path`, refusing files OpenSlide does not recognise and files it fails to open.
    public init(_ path: String) throws(FileError) {
        TIFFHandle.silenceGlobalHandlers()
        guard openslide_detect_vendor(path) != nil, let osr = openslide_open(path) else {
            throw FileError(path: path, reason: "not a whole-slide image OpenSlide can read")
        }
        if let message = openslide_get_error(osr) {
            let text = String(cString: message)
            openslide_close(osr)
            throw FileError(path: path, reason: "OpenSlide: \(text)")
        }
        self.path = path
        self.osr = osr
        var levels: [SlideLevel] = []
        for level in 0..<max(0, openslide_get_level_count(osr)) {
            var w: Int64 = 0, h: Int64 = 0
            openslide_get_level_dimensions(osr, level, &w, &h)
            levels.append(SlideLevel(width: Int(w), height: Int(h), downsample: openslide_get_level_downsample(osr, level)))
        }
        self.levels = levels
        properties = SlideReader.strings(openslide_get_property_names(osr)).reduce(into: [:]) { all, name in
            if let value = openslide_get_property_value(osr, name) { all[name] = String(cString: value) }
        }
        associatedImageNames = SlideReader.strings(openslide_get_associated_image_names(osr))
        try checkError()
        guard let first = levels.first, first.width > 0, first.height > 0 else {
            throw FileError(path: path, reason: "OpenSlide reports no pixels (level 0 is \(levels.first?.width ?? 0) x \(levels.first?.height ?? 0))")
        }
    }

    deinit { openslide_close(osr) }

    /// The OpenSlide library version, e.g. `3.4.1`.
    public static var libraryVersion: String { String(cString: openslide_get_version()) }

    /// `openslide.vendor`: `aperio`, `hamamatsu`, `mirax`, `leica`, `philips`, `generic-tiff`, ...
    public var vendor: String { properties["openslide.vendor"] ?? "unknown" }

    /// The scanner objective's magnification (`openslide.objective-power`, e.g. 20 or 40).
    public var objectivePower: Double? {
        properties["openslide.objective-power"].flatMap(Double.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
    }

    /// Level-0 µm per pixel: `openslide.mpp-x`, else Aperio's `aperio.MPP` (which OpenSlide
    /// copies to mpp-x itself from 3.4 on, but older files and versions may only have it raw).
    /// A generic pyramidal TIFF has neither under OpenSlide 3.4 (which reports no mpp for it):
    /// then its resolution tags (`tiff.XResolution` in `tiff.ResolutionUnit`, inch or centimetre).
    public var pixelSizeMicrons: Double? {
        let text = properties["openslide.mpp-x"] ?? properties["aperio.MPP"]
        if let mpp = PixelSize.plausible(text.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }) { return mpp }
        guard let resolution = properties["tiff.XResolution"].flatMap(Double.init), resolution.isFinite, resolution > 0 else { return nil }
        switch properties["tiff.ResolutionUnit"]?.lowercased() {
        case "centimeter": return PixelSize.plausible(10_000 / resolution)
        case "inch": return PixelSize.plausible(25_400 / resolution)
        default: return nil
        }
    }

    /// Level-0 tile size when the format stores tiles and says so (`openslide.level[0].tile-width`).
    public var tileWidth: Int? { properties["openslide.level[0].tile-width"].flatMap(Int.init) }
    public var tileHeight: Int? { properties["openslide.level[0].tile-height"].flatMap(Int.init) }

    /// The level to read for a wanted downsample: the largest one not finer than needed
    /// (`openslide_get_best_level_for_downsample`), so averaging down from it loses nothing.
    public func bestLevel(forDownsample downsample: Double) -> Int {
        let level = Int(openslide_get_best_level_for_downsample(osr, downsample))
        return min(max(level, 0), levels.count - 1)
    }

    /// Throws OpenSlide's sticky error, if it has one, as a one-line `FileError`.
    func checkError() throws(FileError) {
        if let message = openslide_get_error(osr) {
            let text = String(cString: message).replacingOccurrences(of: "\n", with: " ")
            throw FileError(path: path, reason: "OpenSlide: \(text)")
        }
    }

    /// Refuses levels the slide does not have.
    func checkLevel(_ level: Int) throws(FileError) {
        guard levels.indices.contains(level) else {
            throw FileError(path: path, reason: "level \(level) requested but the slide has \(levels.count) level\(levels.count == 1 ? "" : "s") (0-\(levels.count - 1))")
        }
    }

    /// Reads `openslide_read_region` into `dest` (`width * height` pixels) and checks the error.
    func readARGB(into dest: UnsafeMutablePointer<UInt32>, level: Int, x: Int, y: Int, width: Int, height: Int) throws(FileError) {
        openslide_read_region(osr, dest, Int64(x), Int64(y), Int32(level), Int64(width), Int64(height))
        try checkError()
    }

    /// A NULL-terminated C string array as Swift strings.
    private static func strings(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        var out: [String] = []
        var i = 0
        while let item = list[i] { out.append(String(cString: item)); i += 1 }
        return out
    }
}
