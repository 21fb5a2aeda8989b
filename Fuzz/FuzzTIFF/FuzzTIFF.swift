// libFuzzer target for StainShift's TIFF reader (`make fuzz`, seed corpus Fuzz/corpus); the driver
// is shared with the other reader's target in Fuzz/Support. A normal build gives a replay tool:
// `FuzzTIFF FILE...`.
import FuzzSupport

@main
struct FuzzTIFFMain {
    static func main() { runFuzzTarget() }
}
