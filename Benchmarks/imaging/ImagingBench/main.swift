// ImagingBench: times StainShift's TIFF decode on one thread and on all cores against
// libtiff's own decode (`tiffinfo -D`, Debian libtiff-tools) of the same file, side by side.
// Usage: ImagingBench make OUT.tif [SOURCE]   writes a 4096 x 4096 RGB LZW strip TIFF, tiled
//        from SOURCE (a real IHC image) by mirroring, or synthetic when SOURCE is absent
//        ImagingBench STRIP.tif TILED.tif [REPEATS]
import Dispatch
import Foundation
import StainShiftFoundation
import StainShiftImaging

/// Best (minimum) wall time of `repeats` runs of `body`, in milliseconds.
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.min() ?? .nan
}

/// User + system CPU seconds used so far by this process (`RUSAGE_SELF`) or its finished children.
func cpuSeconds(_ who: Int32) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(who), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// `tiffinfo -D FILE`, output discarded.
func tiffinfo(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tiffinfo")
    process.arguments = ["-D", path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw FileError(path: path, reason: "tiffinfo -D failed") }
}

/// 4096 x 4096 RGB: `source` mirrored to fill, or smooth stain-like blobs plus noise.
func makeImage(source: String?) throws -> RGBImage {
    let size = 4096
    var out = [UInt8](repeating: 0, count: size * size * 3)
    if let source, FileManager.default.fileExists(atPath: source) {
        let tile = try ImageReader.read(source)
        let bytes: [UInt8]
        switch tile.samples { case .uint8(let s): bytes = s; case .uint16(let s): bytes = s.map { UInt8($0 >> 8) } }
        for y in 0..<size {
            let period = 2 * tile.height, m = y % period, sy = m < tile.height ? m : period - 1 - m
            for x in 0..<size {
                let px = 2 * tile.width, n = x % px, sx = n < tile.width ? n : px - 1 - n
                let i = (y * size + x) * 3, j = (sy * tile.width + sx) * 3
                out[i] = bytes[j]; out[i + 1] = bytes[j + 1]; out[i + 2] = bytes[j + 2]
            }
        }
    } else {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for y in 0..<size {
            for x in 0..<size {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 60)
                let blob = (sin(Double(x) / 37) * cos(Double(y) / 29) + 1) * 60
                let i = (y * size + x) * 3
                out[i] = UInt8(clamping: 230 - Int(blob) + noise)
                out[i + 1] = UInt8(clamping: 220 - Int(blob * 1.4) + noise)
                out[i + 2] = UInt8(clamping: 235 - Int(blob * 0.6) + noise)
            }
        }
    }
    return RGBImage(width: size, height: size, samples: .uint8(out))
}

/// `text` padded with spaces to `width` characters.
func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

let arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "make" {
    do {
        try ImageWriter.writeTIFF(try makeImage(source: arguments.count > 3 ? arguments[3] : nil), to: arguments[2], compression: .lzw)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("ImagingBench: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ImagingBench STRIP.tif TILED.tif [REPEATS]\n".utf8))
    exit(64)
}
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 7 : 7
let cores = ProcessInfo.processInfo.activeProcessorCount
print("file             layout                    ours 1 thread  ours \(cores) threads  tiffinfo -D  ratio 1t  ratio \(cores)t   cpu 1t ours / tiffinfo")
for path in arguments[1...2] {
    do {
        let info = try ImageReader.info(path)
        let layout = info.tiled ? "tiles \(info.tileWidth ?? 0)x\(info.tileHeight ?? 0)" : "strips"
        // Identical output whatever the thread count: checked once, outside the timings.
        let one = try ImageReader.read(path, options: ReadOptions(threads: 1))
        let all = try ImageReader.read(path, options: ReadOptions(threads: cores))
        guard one == all else { throw FileError(path: path, reason: "thread counts disagree") }
        // Interleave the three so load changes affect them alike.
        var ours1 = Double.infinity, oursN = Double.infinity, reference = Double.infinity
        var cpuOurs = Double.infinity, cpuReference = Double.infinity
        for _ in 0..<repeats {
            let children = cpuSeconds(RUSAGE_CHILDREN.rawValue)
            reference = min(reference, try best(1) { try tiffinfo(path) })
            cpuReference = min(cpuReference, cpuSeconds(RUSAGE_CHILDREN.rawValue) - children)
            let own = cpuSeconds(RUSAGE_SELF.rawValue)
            ours1 = min(ours1, try best(1) { _ = try ImageReader.read(path, options: ReadOptions(threads: 1)) })
            cpuOurs = min(cpuOurs, cpuSeconds(RUSAGE_SELF.rawValue) - own)
            oursN = min(oursN, try best(1) { _ = try ImageReader.read(path, options: ReadOptions(threads: cores)) })
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        let columns: String = String(format: " %10.1f ms  %11.1f ms  %8.1f ms  %8.2f  %8.2f",
                                     ours1, oursN, reference, ours1 / reference, oursN / reference)
        let label: String = padded(name, 16) + " " + padded("\(info.width)x\(info.height) \(layout)", 24)
        print(label + columns + String(format: "   cpu %.0f / %.0f ms", cpuOurs * 1000, cpuReference * 1000))
    } catch {
        FileHandle.standardError.write(Data("ImagingBench: \(error)\n".utf8))
        exit(1)
    }
}
var load: [Double] = [0, 0, 0]
let loadText: String = getloadavg(&load, 3) > 0 ? String(format: "%.1f", load[0]) : "?"
print("targets: ratio 1t <= 1.20, ratio \(cores)t <= 0.65 (best of \(repeats); tiffinfo includes process start; load average \(loadText) on \(cores) cores)")
