import CJPEG
import CPNG
import CTIFF

/// Versions of the image libraries StainShift decodes with, for `stainshift --version` and the
/// report's provenance: a different libtiff or libjpeg can decode the same file differently.
/// libtiff and libpng are asked at run time (`TIFFGetVersion`, `png_get_libpng_ver`); libjpeg has
/// no such call, so its line gives the headers it was built against (`ssjpeg_version`).
public enum LibraryVersions {
    /// Name and version of each library, in a fixed order.
    public static let all: [(name: String, version: String)] = {
        let libraries: [(name: String, version: String)] = [
            // The first line of libtiff's banner, e.g. "LIBTIFF, Version 4.5.1" (copyright lines follow).
            ("libtiff", firstLine(TIFFGetVersion())),
            ("libpng", firstLine(png_get_libpng_ver(nil))),
            ("libjpeg", firstLine(ssjpeg_version())),
        ]
        // OpenSlide: not linked in this tree yet. When the COpenSlide target is a dependency of
        // this module, add ("openslide", firstLine(openslide_get_version())) here.
        return libraries
    }()

    /// `all` as a dictionary, for provenance.
    public static var dictionary: [String: String] {
        Dictionary(all.map { ($0.name, $0.version) }, uniquingKeysWith: { first, _ in first })
    }

    /// One line per library, `name: version`, as `stainshift --version` prints them after its own.
    public static var lines: [String] { all.map { "\($0.name): \($0.version)" } }

    private static func firstLine(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown" }
        let line = String(cString: text).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.isEmpty ? "unknown" : line
    }
}
