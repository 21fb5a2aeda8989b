import Foundation
import StainShiftCohort

/// A representative tile's overlay PNG, embedded as a `data:` URI so the report stays one file.
struct Thumbnail {
    let marker: String
    let timepoint: Timepoint
    let fileName: String
    /// `data:image/png;base64,...`, or nil with `problem` saying why it is not shown.
    let dataURI: String?
    let problem: String?

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The overlay `fileName` in `folder`, or nil when there is no such file.
    static func load(folder: String, fileName name: String, marker: String, timepoint: Timepoint,
                     maxBytes: Int) -> Thumbnail? {
        let path = ReportWriter.path(folder, name)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        func skipped(_ why: String) -> Thumbnail {
            Thumbnail(marker: marker, timepoint: timepoint, fileName: name, dataURI: nil, problem: why)
        }
        guard size <= maxBytes else {
            return skipped("\(size) bytes, more than the \(maxBytes)-byte limit for embedding")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return skipped("cannot be read") }
        guard data.starts(with: pngSignature) else { return skipped("not a PNG file") }
        return Thumbnail(marker: marker, timepoint: timepoint, fileName: name,
                         dataURI: "data:image/png;base64," + data.base64EncodedString(), problem: nil)
    }
}
