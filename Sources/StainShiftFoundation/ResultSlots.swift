import Foundation

/// Fixed slots filled from many threads: each index is written once, so the output order never
/// depends on which thread finished first. For work items of their own (tiles, slides, patients);
/// `ChunkResults` is the per-chunk collector of `Parallel.forEachChunk` kernels.
public final class ResultSlots<T>: @unchecked Sendable {
    private var values: [T?]
    private let lock = NSLock()

    public init(count: Int) { values = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: T) { lock.lock(); values[index] = value; lock.unlock() }
    public func get(_ index: Int) -> T? { lock.lock(); defer { lock.unlock() }; return values[index] }
    public var all: [T?] { lock.lock(); defer { lock.unlock() }; return values }
}
