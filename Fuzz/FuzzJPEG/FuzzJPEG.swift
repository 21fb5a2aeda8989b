// libFuzzer target for StainShift's JPEG reader (`make fuzz`, seed corpus Fuzz/corpus); the driver
// is shared with the other readers' targets in Fuzz/Support. A normal build gives a replay tool:
// `FuzzJPEG FILE...`.
import FuzzSupport

@main
struct FuzzJPEGMain {
    static func main() { runFuzzTarget() }
}
