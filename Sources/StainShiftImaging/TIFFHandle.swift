import CTIFF
import Foundation
import StainShiftFoundation

/// One open libtiff handle whose error and warning messages are captured (per handle, so
/// handles on different threads never mix their messages) instead of printed to stderr.
///
/// `@unchecked Sendable`: a handle is used by one thread at a time; parallel decoding opens one
/// handle per worker.
final class TIFFHandle: @unchecked Sendable {
    let path: String
    let tif: OpaquePointer
    private let diagnostics: UnsafeMutablePointer<sstiff_diagnostics>

    /// Largest single allocation libtiff may make for us (strip/tile buffers, tag arrays).
    static let maxSingleAllocation: Int64 = 1 << 30

    /// Silences libtiff's process-wide printing handlers once; per-handle capture still applies.
    private static let globalHandlersSilenced: Bool = {
        sstiff_silence_global_handlers()
        return true
    }()

    /// Silences libtiff's printing handlers before other libtiff users in the process (OpenSlide
    /// opens TIFF-based slides through the same libtiff) can trigger them.
    static func silenceGlobalHandlers() { _ = globalHandlersSilenced }

    private init(path: String, tif: OpaquePointer, diagnostics: UnsafeMutablePointer<sstiff_diagnostics>) {
        self.path = path
        self.tif = tif
        self.diagnostics = diagnostics
    }

    /// Opens `path` with libtiff `mode` ("r" to read; "w", "w8" to write classic or BigTIFF).
    static func open(_ path: String, mode: String = "r") throws(FileError) -> TIFFHandle {
        _ = globalHandlersSilenced
        let diagnostics = UnsafeMutablePointer<sstiff_diagnostics>.allocate(capacity: 1)
        diagnostics.initialize(to: sstiff_diagnostics())
        guard let tif = sstiff_open(path, mode, diagnostics, maxSingleAllocation) else {
            let message = TIFFHandle.message(diagnostics)
            diagnostics.deallocate()
            let verb = mode.hasPrefix("r") ? "not a readable TIFF (truncated or corrupt)" : "cannot create TIFF"
            throw FileError(path: path, reason: message.isEmpty ? verb : "\(verb): \(message)")
        }
        return TIFFHandle(path: path, tif: tif, diagnostics: diagnostics)
    }

    deinit {
        TIFFClose(tif)
        diagnostics.deallocate()
    }

    /// The first libtiff error since the last `clearMessages`, or "" when there was none.
    var lastMessage: String { TIFFHandle.message(diagnostics) }

    func clearMessages() {
        diagnostics.pointee = sstiff_diagnostics()
    }

    /// A `FileError` for this file: `what`, followed by libtiff's own words when it had any.
    func failure(_ what: String) -> FileError {
        let message = lastMessage
        return FileError(path: path, reason: message.isEmpty ? what : "\(what): \(message)")
    }

    /// Makes `page` current, refusing pages the file does not have.
    func setPage(_ page: Int) throws(FileError) {
        guard page >= 0 else { throw FileError(path: path, reason: "page must be 0 or more, not \(page)") }
        if page == 0 && TIFFCurrentDirectory(tif) == 0 { return }
        guard page < Int(tdir_t.max), TIFFSetDirectory(tif, tdir_t(page)) != 0 else {
            let pages = Int(TIFFNumberOfDirectories(tif))
            throw FileError(path: path, reason: "page \(page) requested but the file has \(pages) page\(pages == 1 ? "" : "s")")
        }
    }

    private static func message(_ diagnostics: UnsafeMutablePointer<sstiff_diagnostics>) -> String {
        withUnsafeBytes(of: &diagnostics.pointee.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // Typed tag access.
    func u16(_ tag: Int32) -> UInt16? {
        var v: UInt16 = 0
        return sstiff_get_u16(tif, UInt32(tag), &v) != 0 ? v : nil
    }
    func u16Defaulted(_ tag: Int32) -> UInt16? {
        var v: UInt16 = 0
        return sstiff_get_u16_defaulted(tif, UInt32(tag), &v) != 0 ? v : nil
    }
    func u32(_ tag: Int32) -> UInt32? {
        var v: UInt32 = 0
        return sstiff_get_u32(tif, UInt32(tag), &v) != 0 ? v : nil
    }
    func float(_ tag: Int32) -> Float? {
        var v: Float = 0
        return sstiff_get_float(tif, UInt32(tag), &v) != 0 ? v : nil
    }
    func string(_ tag: Int32) -> String? {
        var p: UnsafeMutablePointer<CChar>? = nil
        guard sstiff_get_string(tif, UInt32(tag), &p) != 0, let p else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: strlen(p)), as: UTF8.self)
    }
}
