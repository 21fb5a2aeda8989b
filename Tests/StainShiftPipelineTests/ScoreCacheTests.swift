import Foundation
import Testing
import StainShiftFoundation
import StainShiftPipeline
import StainShiftTestSupport

/// The cache's file digest is the file's SHA-256 as `sha256sum` prints it, read in 1 MiB chunks.
@Suite struct ScoreCacheTests {
    @Test func fileDigestIsTheFilesSHA256AcrossChunks() throws {
        let scratch = try Scratch("stainshift-cache")
        defer { try? FileManager.default.removeItem(at: scratch.url) }
        // A million a's (FIPS 180-4's long example), then 3 MiB (three read chunks) against the one-call digest.
        let path = try scratch.write("a.bin", String(repeating: "a", count: 1_000_000))
        #expect(try ScoreCache.sha256(ofFile: path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let bigPath = scratch.path("big.bin")
        try Data(big).write(to: URL(fileURLWithPath: bigPath))
        #expect(try ScoreCache.sha256(ofFile: bigPath) == SHA256.hex(SHA256.hash(big)))
        #expect(throws: FileError.self) { try ScoreCache.sha256(ofFile: scratch.path("missing.bin")) }
    }

    @Test func keyChangesWithEveryParameter() {
        let a = ScoreCache.key(fileSHA: "f", parameters: "p")
        #expect(a.count == 64)
        #expect(a == ScoreCache.key(fileSHA: "f", parameters: "p"))
        #expect(a != ScoreCache.key(fileSHA: "f", parameters: "q"))
        #expect(a != ScoreCache.key(fileSHA: "g", parameters: "p"))
    }
}
