import Testing
import StainShiftImaging

/// The pool hands buffers out filled (or, for stages that overwrite them, as they are), takes them
/// back empty, reuses the same storage, and keeps at most its capacity per type; the pass-through
/// pool keeps nothing.
@Suite struct BufferPoolTests {
    @Test func recycledBuffersAreReusedAndRefilled() {
        let pool = BufferPool()
        var a = pool.floats(1000, repeating: 7)
        #expect(a.count == 1000 && a.allSatisfy { $0 == 7 })
        a[3] = 42
        let storage = a.withUnsafeBufferPointer { $0.baseAddress }
        pool.recycle(&a)
        #expect(a.isEmpty && pool.heldBytes >= 4000)
        // A smaller request of the same type gets the same storage, filled anew.
        let b = pool.floats(600)
        #expect(b.count == 600 && b.allSatisfy { $0 == 0 })
        #expect(b.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(pool.heldBytes == 0)
        // A larger one than anything held is a new allocation.
        var c = pool.labels(10, repeating: -1)
        pool.recycle(&c)
        let d = pool.labels(5000)
        #expect(d.count == 5000 && d.allSatisfy { $0 == 0 })
    }

    @Test func buffersToOverwriteSkipTheFill() {
        let pool = BufferPool()
        // Fresh: the requested size, contents unspecified (the caller overwrites them).
        var a = pool.floatsToOverwrite(100)
        #expect(a.count == 100)
        for i in a.indices { a[i] = Float(i) }
        let storage = a.withUnsafeBufferPointer { $0.baseAddress }
        pool.recycle(&a)
        // Reused: the same storage, the old contents kept (the caller overwrites them), trimmed to size.
        let b = pool.floatsToOverwrite(60)
        #expect(b.count == 60 && b.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(b[59] == 59)
        var u = pool.uint16sToOverwrite(8), m = pool.bytesToOverwrite(8)
        #expect(u.count == 8 && m.count == 8)
        pool.recycle(&u); pool.recycle(&m)
        // A filled request after an overwrite one is filled again.
        #expect(pool.bytes(8, repeating: 3).allSatisfy { $0 == 3 })
    }

    @Test func capacityBoundsWhatIsHeldAndKeepsTheLargest() {
        let pool = BufferPool(capacity: 2)
        var buffers = [10, 300, 20, 200].map { pool.bytes($0) }
        for i in buffers.indices { pool.recycle(&buffers[i]) }
        // Two kept, the largest: 300 + 200 bytes (capacities round up a little).
        #expect(pool.heldBytes >= 500 && pool.heldBytes < 600, "\(pool.heldBytes)")
        var u = pool.uint16s(100)
        pool.recycle(&u)
        #expect(pool.heldBytes >= 700)
    }

    @Test func passThroughKeepsNothing() {
        let pool = BufferPool.passThrough
        var a = pool.floats(100)
        pool.recycle(&a)
        #expect(a.isEmpty && pool.heldBytes == 0)
    }
}
