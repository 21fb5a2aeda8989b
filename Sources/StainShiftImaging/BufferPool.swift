/// Image-sized buffers handed from stage to stage and from tile to tile instead of allocated anew.
///
/// Every fresh buffer is page-faulted in as it is first written: on the benchmark VM about 0.45 ms
/// per MB, so the ~190 MB a 2048² tile's stages touch cost ~90 ms, a seventh of its time. A stage
/// takes a buffer (`floats`, `labels`, ...) and gives it back (`recycle`) when done; the next stage
/// or tile of the same size gets it without faults. Buffers are plain arrays, moved in and out (never
/// shared), so taking one costs nothing and writing into it never copies.
///
/// One pool per worker: it is not thread-safe (`@unchecked Sendable` only so a worker can carry it
/// inside a `Sendable` job). Without a pool every call allocates as before.
public final class BufferPool: @unchecked Sendable {
    private var floatBuffers: [[Float]] = []
    private var int32Buffers: [[Int32]] = []
    private var byteBuffers: [[UInt8]] = []
    private var uint16Buffers: [[UInt16]] = []
    /// Buffers kept per element type; more are released (a tile needs about six at once).
    public let capacity: Int

    public init(capacity: Int = 8) { self.capacity = capacity }

    /// A pool that keeps nothing: every request allocates, every recycle frees. What stages use
    /// when the caller passes no pool, so a single tile's peak memory is only what is in use.
    public static var passThrough: BufferPool { BufferPool(capacity: 0) }

    /// `count` floats, all `value`.
    public func floats(_ count: Int, repeating value: Float = 0) -> [Float] { take(&floatBuffers, count, value) }
    /// `count` Int32 values (labels), all `value`.
    public func labels(_ count: Int, repeating value: Int32 = 0) -> [Int32] { take(&int32Buffers, count, value) }
    /// `count` bytes (masks), all `value`.
    public func bytes(_ count: Int, repeating value: UInt8 = 0) -> [UInt8] { take(&byteBuffers, count, value) }
    /// `count` 16-bit values (keys, distances), all `value`.
    public func uint16s(_ count: Int, repeating value: UInt16 = 0) -> [UInt16] { take(&uint16Buffers, count, value) }

    /// `count` floats with unspecified contents, for a stage that writes every element before it
    /// reads any (neither a reused nor a fresh buffer is filled first: 16 MB of stores saved per
    /// 2048² plane).
    public func floatsToOverwrite(_ count: Int) -> [Float] { take(&floatBuffers, count, nil) }
    /// `count` 16-bit values with unspecified contents (see `floatsToOverwrite`).
    public func uint16sToOverwrite(_ count: Int) -> [UInt16] { take(&uint16Buffers, count, nil) }
    /// `count` bytes with unspecified contents (see `floatsToOverwrite`).
    public func bytesToOverwrite(_ count: Int) -> [UInt8] { take(&byteBuffers, count, nil) }

    /// Gives buffers back; each is left empty.
    public func recycle(_ buffer: inout [Float]) { give(&floatBuffers, &buffer) }
    public func recycle(_ buffer: inout [Int32]) { give(&int32Buffers, &buffer) }
    public func recycle(_ buffer: inout [UInt8]) { give(&byteBuffers, &buffer) }
    public func recycle(_ buffer: inout [UInt16]) { give(&uint16Buffers, &buffer) }

    /// Total bytes held for reuse.
    public var heldBytes: Int {
        floatBuffers.reduce(0) { $0 + 4 * $1.capacity } + int32Buffers.reduce(0) { $0 + 4 * $1.capacity }
            + byteBuffers.reduce(0) { $0 + $1.capacity } + uint16Buffers.reduce(0) { $0 + 2 * $1.capacity }
    }

    /// A buffer of `count` elements, all `value`; with a nil `value`, contents are unspecified (a
    /// reused buffer keeps its old values, a fresh one is not filled).
    private func take<T: BitwiseCopyable & Numeric>(_ list: inout [[T]], _ count: Int, _ value: T?) -> [T] {
        // The buffer whose capacity fits best: exact sizes are the common case (same-size tiles).
        var best = -1
        for (i, b) in list.enumerated() where b.capacity >= count && (best < 0 || b.capacity < list[best].capacity) { best = i }
        guard best >= 0 else {
            // A buffer to be overwritten is not filled first: its pages are touched once, by the
            // stage that writes it.
            guard let value else { return [T](unsafeUninitializedCapacity: count) { _, initialised in initialised = count } }
            return [T](repeating: value, count: count)
        }
        var buffer = list.remove(at: best)
        if buffer.count > count { buffer.removeLast(buffer.count - count) }
        if let value { buffer.withUnsafeMutableBufferPointer { $0.update(repeating: value) } }
        if buffer.count < count { buffer.append(contentsOf: repeatElement(value ?? 0, count: count - buffer.count)) }
        return buffer
    }

    private func give<T>(_ list: inout [[T]], _ buffer: inout [T]) {
        defer { buffer = [] }
        guard buffer.capacity > 0 else { return }
        list.append(buffer)
        if list.count > capacity {
            // Keep the largest buffers: they are the expensive ones to fault in again.
            list.sort { $0.capacity > $1.capacity }
            list.removeLast(list.count - capacity)
        }
    }
}
