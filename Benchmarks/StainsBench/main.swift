// Times 8-bit RGB -> three float32 OD planes with the StainShift kernel (h-dab, fixed white),
// reusing the output buffer between iterations. Prints one line: `megapixels_per_second <value>`.
// Usage: StainsBench [SIZE=4096] [ITERATIONS=20] [THREADS=all]
import Foundation
import StainShiftImaging
import StainShiftStains

let args = CommandLine.arguments.dropFirst().map { Int($0) }
let size = (args.count > 0 ? args[0] : nil) ?? 4096
let iterations = (args.count > 1 ? args[1] : nil) ?? 20
let threads = (args.count > 2 ? args[2] : nil) ?? ProcessInfo.processInfo.activeProcessorCount

// Deterministic pseudo-random pixels (xorshift), the same recipe as odkernel.c.
var state: UInt32 = 2463534242
var samples = [UInt8](repeating: 0, count: size * size * 3)
for i in samples.indices {
    state ^= state << 13; state ^= state >> 17; state ^= state << 5
    samples[i] = UInt8(truncatingIfNeeded: state >> 24)
}
let image = RGBImage(width: size, height: size, samples: .uint8(samples))
let deconvolver = Deconvolver(matrix: StainPresets.hDAB, whitePoint: .fixed(bitDepth: 8), bitDepth: 8)
var planes = StainPlanes(matrix: StainPresets.hDAB)
deconvolver.run(image, threads: threads, into: &planes)  // warm-up: allocates and faults in the buffer

var best = Double.infinity
var checksum = 0.0
for _ in 0..<iterations {
    let t0 = DispatchTime.now().uptimeNanoseconds
    deconvolver.run(image, threads: threads, into: &planes)
    let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    best = min(best, t)
    checksum += Double(planes.values[planes.values.count / 2])
}
let mpps = Double(size * size) / best / 1e6
print("megapixels_per_second \(String(format: "%.1f", mpps)) threads \(threads) size \(size) checksum \(String(format: "%.4f", checksum))")
