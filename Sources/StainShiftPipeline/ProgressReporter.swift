import Foundation

/// Progress on stderr: a redrawn bar (tiles done/total, rate, time left) when stderr is a
/// terminal, one plain line per finished slide otherwise, nothing with `--quiet`.
public final class ProgressReporter: @unchecked Sendable {
    public enum Mode: Sendable { case quiet, bar, lines
        /// `bar` when stderr is a terminal, else `lines`.
        public static var automatic: Mode { isatty(2) != 0 ? .bar : .lines }
    }

    let mode: Mode
    let total: Int
    let label: String
    let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast

    public init(mode: Mode, total: Int, label: String,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode; self.total = total; self.label = label; self.write = write
    }

    /// One tile finished.
    public func tileDone() {
        lock.lock(); defer { lock.unlock() }
        done += 1
        guard mode == .bar else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDraw) > 0.1 {
            lastDraw = now
            write("\r" + barLine() + (done == total ? "\n" : ""))
        }
    }

    /// A slide finished: a plain line in `lines` mode.
    public func slideDone(_ slide: String, tiles: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        guard mode == .lines else { return }
        let rate = self.rate
        write("\(label): slide \(slide): \(Self.counted(tiles, "tile"))\(failed > 0 ? ", \(failed) failed" : "") (\(done)/\(total) tiles, \(String(format: "%.1f", rate)) tiles/s)\n")
    }

    /// `n` and the noun, plural unless `n` is 1: "1 tile", "3 tiles", "0 patients".
    public static func counted(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    private var rate: Double {
        let elapsed = Date().timeIntervalSince(start)
        return elapsed > 0 ? Double(done) / elapsed : 0
    }

    func barLine() -> String {
        let width = 30
        let filled = total == 0 ? width : min(width, done * width / max(total, 1))
        let rate = self.rate
        let left = rate > 0 ? Double(total - done) / rate : 0
        let eta = left >= 3600 ? String(format: "%dh%02dm", Int(left) / 3600, Int(left) % 3600 / 60)
            : String(format: "%dm%02ds", Int(left) / 60, Int(left) % 60)
        return "[\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] \(done)/\(total) tiles  \(String(format: "%.1f", rate)) tiles/s  ETA \(eta)"
    }
}
