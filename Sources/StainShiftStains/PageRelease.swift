#if canImport(Glibc)
import Glibc
#endif

/// Returns whole pages of a still-allocated buffer to the system (`madvise(MADV_DONTNEED)`): the
/// next touch maps fresh zero pages. Used for buffer tails that will not be read again.
enum PageRelease {
    static func release(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        let page = 4096
        let from = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let to = (Int(bitPattern: start) + bytes) & ~(page - 1)
        guard to > from, let p = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(p, to - from, 4)   // MADV_DONTNEED
        #endif
    }
}
