import Foundation
import Testing
import StainShiftFoundation

/// `Parallel.serially`: the same chunks, in chunk order, all on the calling thread.
@Suite struct SerialChunksTests {
    @Test func seriallyRunsTheSameChunksInOrderOnTheCallingThread() {
        let order = ChunkResults<Int>(1000)
        let seen = ChunkResults<Range<Int>>(1000)
        let start = Counter()
        #expect(!Parallel.isSerial)
        Parallel.serially {
            #expect(Parallel.isSerial)
            Parallel.forEachChunk(1000) { r in order.set(r, start.next()); seen.set(r, r) }
        }
        #expect(!Parallel.isSerial)
        #expect(order.values == Array(0..<Parallel.defaultChunks))
        #expect(seen.values == Parallel.chunkRanges(1000))
    }

    /// Under a limit of 3 threads the same 16 chunks each run once, on at most 3 threads at a time,
    /// and the previous limit comes back.
    @Test func aThreadLimitRunsTheSameChunksOnFewerThreads() {
        let seen = ChunkResults<Range<Int>>(1000)
        let busy = Gauge()
        let outer = Parallel.setThreadLimit(3)
        #expect(Parallel.threadLimit == 3 && !Parallel.isSerial)
        Parallel.forEachChunk(1000) { r in
            busy.enter()
            seen.set(r, r)
            usleep(2_000)
            busy.leave()
        }
        Parallel.setThreadLimit(outer)
        #expect(Parallel.threadLimit == nil)
        #expect(seen.values == Parallel.chunkRanges(1000))
        #expect(busy.peak <= 3, "peak \(busy.peak) threads")
    }

    /// Threads inside a section at once, and the most seen.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0
        func enter() { lock.lock(); now += 1; peak = max(peak, now); lock.unlock() }
        func leave() { lock.lock(); now -= 1; lock.unlock() }
    }

    /// A counter touched only from one thread (the test fails, not races, if chunks ran elsewhere
    /// concurrently: the order would not be 0, 1, 2, ...).
    final class Counter: @unchecked Sendable {
        private var value = 0
        func next() -> Int { defer { value += 1 }; return value }
    }
}
