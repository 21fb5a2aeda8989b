import Foundation

/// Runs work over fixed chunks of a range on all cores. The chunking never depends on the core
/// count, so every kernel built on it gives identical output whatever the thread count.
package enum Parallel {
    /// Chunks used for row and column loops: enough to balance 2-16 cores, few enough to stay cheap.
    package static let defaultChunks = 16

    /// Calls `body` once per chunk of `0..<count`, concurrently; chunk `c` of `k` is `count*c/k ..< count*(c+1)/k`.
    /// Under a thread limit (`setThreadLimit`) at most that many threads take the chunks; with a
    /// limit of 1 they run in order on the calling thread.
    package static func forEachChunk(_ count: Int, chunks: Int = defaultChunks, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let k = min(max(chunks, 1), count)
        @Sendable @inline(__always) func chunk(_ c: Int) -> Range<Int> { (count * c / k)..<(count * (c + 1) / k) }
        if k == 1 { body(0..<count); return }
        switch threadLimit {
        case let limit? where limit <= 1:
            for c in 0..<k { body(chunk(c)) }
        case let limit? where limit < k:
            // Worker i takes chunks i, i + limit, ...: the same chunks, fewer threads.
            DispatchQueue.concurrentPerform(iterations: limit) { worker in
                for c in stride(from: worker, to: k, by: limit) { body(chunk(c)) }
            }
        default:
            DispatchQueue.concurrentPerform(iterations: k) { c in body(chunk(c)) }
        }
    }

    /// Runs `body` with every `forEachChunk` called on this thread taking its chunks in order on this
    /// thread (same chunks, so the same results). For batch workers that already keep every core
    /// busy with a tile each: splitting each tile's loops over the cores again only adds
    /// synchronisation and cache traffic (about a tenth of a tile's CPU time on 2 cores).
    package static func serially<T>(_ body: () throws -> T) rethrows -> T {
        let previous = setThreadLimit(1)
        defer { setThreadLimit(previous) }
        return try body()
    }

    /// Whether `forEachChunk` runs its chunks on the calling thread (a limit of 1, as in `serially`).
    package static var isSerial: Bool { threadLimit == 1 }

    /// The most threads `forEachChunk` calls made on this thread use; nil: all cores.
    package static var threadLimit: Int? {
        pthread_getspecific(limitKey).map { Int(bitPattern: $0) }
    }

    /// Sets the calling thread's limit (nil: none) and returns the previous one, for a caller that
    /// restores it with a `defer` (`--threads N`; `serially` for code that can be wrapped).
    @discardableResult
    package static func setThreadLimit(_ limit: Int?) -> Int? {
        let previous = threadLimit
        pthread_setspecific(limitKey, limit.map { UnsafeRawPointer(bitPattern: max($0, 1)) } ?? nil)
        return previous
    }

    private static let limitKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The chunk ranges `forEachChunk` would use, for kernels that keep one accumulator per chunk.
    package static func chunkRanges(_ count: Int, chunks: Int = defaultChunks) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let k = min(max(chunks, 1), count)
        if k == 1 { return [0..<count] }
        return (0..<k).map { c in (count * c / k)..<(count * (c + 1) / k) }
    }
}

/// A raw pointer that may cross into `concurrentPerform` closures. Each chunk writes disjoint elements.
/// Public and inlinable (not `package`) so that other modules' kernels get it specialised to their
/// element type: Swift 6.3 does not inline `package` declarations across modules, and each access
/// was then a generic call through the element type's value witnesses (a tenth of cell detection).
public struct SharedPointer<T>: @unchecked Sendable {
    public let p: UnsafeMutablePointer<T>
    @inlinable public init(_ p: UnsafeMutablePointer<T>) { self.p = p }
    @inlinable @inline(__always) public subscript(i: Int) -> T {
        get { p[i] }
        nonmutating set { p[i] = newValue }
    }
}

/// A read-only `SharedPointer`.
public struct SharedReadPointer<T>: @unchecked Sendable {
    public let p: UnsafePointer<T>
    @inlinable public init(_ p: UnsafePointer<T>) { self.p = p }
    @inlinable @inline(__always) public subscript(i: Int) -> T { p[i] }
}

/// One value per chunk of a `Parallel.forEachChunk(count, chunks:)` call, for kernels that keep an
/// accumulator per chunk: each chunk writes only its own slot, and `values` reads them in chunk
/// order, so totals do not depend on the number of cores.
package final class ChunkResults<T>: @unchecked Sendable {
    private let ranges: [Range<Int>]
    private let slots: UnsafeMutablePointer<T?>

    package init(_ count: Int, chunks: Int = Parallel.defaultChunks) {
        ranges = Parallel.chunkRanges(count, chunks: chunks)
        slots = .allocate(capacity: max(ranges.count, 1))
        slots.initialize(repeating: nil, count: max(ranges.count, 1))
    }

    deinit { slots.deinitialize(count: max(ranges.count, 1)); slots.deallocate() }

    /// Stores the result of the chunk covering `range` (as passed to the chunk's body).
    package func set(_ range: Range<Int>, _ value: T) {
        if let c = ranges.firstIndex(of: range) { slots[c] = value }
    }

    /// The chunks' values in chunk order (chunks that stored nothing are skipped).
    package var values: [T] { (0..<ranges.count).compactMap { slots[$0] } }
}
