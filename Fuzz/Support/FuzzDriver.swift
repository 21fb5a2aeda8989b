// Shared driver of the libFuzzer targets for StainShift's image readers. Built by `make fuzz` with
// `-sanitize=fuzzer,address -parse-as-library -D FUZZING`; a normal build gives replay tools
// instead: `FuzzTIFF FILE...` / `FuzzPNG FILE...` / `FuzzJPEG FILE...` read each file the same
// way and print one line per file.
import Foundation
import StainShiftImaging

/// Reads the file at `path` the ways the pipeline does: header, other page, whole image, a region,
/// a full-width band. `ImageReader` picks the decoder from the file's bytes, so one exercise serves
/// every reader; each target differs only in its seed corpus. Any outcome but a crash, a sanitizer
/// report or a hang is fine; errors are expected.
@discardableResult
public func exerciseReaders(path: String) -> String {
    let options = ReadOptions(page: 0, maxPixels: 1 << 22, threads: 1)
    var outcome = ""
    do {
        let info = try ImageReader.info(path)
        outcome += "info \(info.width)x\(info.height); "
        if info.pages > 1 { _ = try? ImageReader.read(path, options: ReadOptions(page: 1, maxPixels: 1 << 22, threads: 1)) }
    } catch { outcome += "info error; " }
    do {
        let image = try ImageReader.read(path, options: options)
        outcome += "read \(image.width)x\(image.height); "
        if image.width > 2, image.height > 2 {
            let region = try ImageReader.readRegion(path, x: 1, y: 1, width: image.width - 2, height: image.height - 2,
                                                    options: ReadOptions(maxPixels: 1 << 22, threads: 2))
            // Full-width band: the strip fast path with strips only partly inside.
            let band = try ImageReader.readRegion(path, x: 0, y: 1, width: image.width, height: image.height - 2,
                                                  options: ReadOptions(maxPixels: 1 << 22, threads: 1))
            outcome += "region \(region.width)x\(region.height) band \(band.width)x\(band.height)"
        }
    } catch { outcome += "error: \(error)" }
    return outcome
}

/// One scratch file per fuzzing process: the readers take paths, as the pipeline gives them.
let scratchPath = NSTemporaryDirectory() + "stainshift-fuzz-\(getpid())"

/// libFuzzer's per-input callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard FileManager.default.createFile(atPath: scratchPath, contents: data) else { return 0 }
    exerciseReaders(path: scratchPath)
    return 0
}

#if FUZZING
/// libFuzzer's driver entry (compiler-rt FuzzerInterface.h). SwiftPM names each executable's entry
/// point itself, so `runFuzzTarget` hands control to libFuzzer instead of libFuzzer owning `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

/// The body of every fuzz target's `main`: libFuzzer when built for fuzzing, else replay of the
/// files named on the command line.
public func runFuzzTarget() -> Never {
    #if FUZZING
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    #else
    for path in CommandLine.arguments.dropFirst() {
        print("\(path): \(exerciseReaders(path: path))")
    }
    exit(0)
    #endif
}
