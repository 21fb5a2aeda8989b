import CTIFF
import Foundation
import StainShiftFoundation

/// A TIFF being written under a temporary name: moved into place by `commit()`, removed by
/// `abandon()` (and on deinit when neither was called), so a failed or interrupted writer leaves
/// nothing behind. The file lifecycle the streaming writers share (`RGBTIFFStream`,
/// `FloatTIFFStream`, and each level of `PyramidTIFFStream`).
final class PendingTIFF {
    /// Where `commit()` puts the file; errors name it, not the temporary name.
    let path: String
    let temporary: String
    /// Open until `close()`, `commit()` or `abandon()`.
    private(set) var handle: TIFFHandle?
    /// Moved into place or removed: nothing more to do.
    private var settled = false

    /// Opens `temporary` (default: a fresh name beside `path`) for writing: BigTIFF when `rawBytes`,
    /// the image's uncompressed size, nears classic TIFF's 4 GiB.
    init(path: String, temporary: String? = nil, rawBytes: Int) throws(FileError) {
        self.path = path
        self.temporary = temporary ?? AtomicFile.temporaryPath(for: path)
        do throws(FileError) {
            handle = try TIFFHandle.open(self.temporary, mode: rawBytes > (3 << 30) ? "w8" : "w")
        } catch {
            throw FileError(path: path, reason: error.reason)
        }
    }

    deinit { abandon() }

    /// The open handle; an error once the file was closed, committed or abandoned.
    func writing() throws(FileError) -> TIFFHandle {
        guard let handle else { throw FileError(path: path, reason: "the TIFF is no longer open for writing") }
        return handle
    }

    /// Flushes and closes the file, then moves it to `path`; `rowsWritten` short of `height` (or a
    /// failed flush) abandons it instead, with the reason.
    func commit(rowsWritten: Int, of height: Int) throws(FileError) {
        guard !settled else { return }
        guard let handle else { abandon(); throw FileError(path: path, reason: "cannot finish the TIFF") }
        let flushed = rowsWritten == height && TIFFFlush(handle.tif) != 0
        guard flushed else {
            abandon()
            throw FileError(path: path, reason: rowsWritten == height ? "cannot finish the TIFF" : "only \(rowsWritten) of \(height) rows written")
        }
        try commit()
    }

    /// Closes the file (already complete) and moves it to `path`.
    func commit() throws(FileError) {
        guard !settled else { return }
        settled = true
        handle = nil   // closes the file
        try AtomicFile.commit(temporary, to: path)
    }

    /// Closes the file and keeps it (to read it back) until `commit()` or `abandon()`.
    func close() { handle = nil }

    /// Closes and removes the file (after an error, or once its contents were copied elsewhere).
    func abandon() {
        guard !settled else { return }
        settled = true
        handle = nil   // closes the file
        unlink(temporary)
    }
}
