// libFuzzer target for StainShift's PNG reader (`make fuzz`, seed corpus Fuzz/corpus); the driver
// is shared with the other reader's target in Fuzz/Support. A normal build gives a replay tool:
// `FuzzPNG FILE...`.
import FuzzSupport

@main
struct FuzzPNGMain {
    static func main() { runFuzzTarget() }
}
