import Foundation
import StainShiftFoundation
import StainShiftImaging
import StainShiftScoring

/// Per-tile results under `OUTDIR/cache/`, one JSON file per key. The key is the SHA-256 of the
/// image file's SHA-256 and every parameter that affects its score (marker definition, stains,
/// pixel size, StainShift version), so a changed input or setting never reuses a stale score.
/// Files are written atomically: a killed run leaves whole entries or none.
public struct ScoreCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static func sha256(ofFile path: String) throws(FileError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw FileError(path: path, reason: "cannot be read: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hasher.update($0.bindMemory(to: UInt8.self)) }
        }
        return SHA256.hex(hasher.finalize())
    }

    public static func key(fileSHA: String, parameters: String) -> String {
        SHA256.hex(SHA256.hash((fileSHA + "\n" + parameters).utf8))
    }

    func path(_ key: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(key + ".json").path }

    public func load(_ key: String) -> TileScore? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        return try? JSONDecoder().decode(TileScore.self, from: data)
    }

    public func store(_ score: TileScore, key: String) throws(FileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(score) } catch {
            throw FileError(path: path(key), reason: "cannot encode score: \(error)")
        }
        try AtomicFile.write(data, to: path(key))
    }
}
