import CTIFF
import Foundation
import StainShiftFoundation

/// A pyramidal 8-bit RGB tiled TIFF written a row at a time with bounded memory: level 0 and
/// levels at each of `downsamples` (default 4, 16, 64) as the following directories, marked
/// reduced resolution (NewSubfileType 1), 256 px LZW tiles with the horizontal predictor and the
/// pixel size in the resolution tags scaled per level: the layout OpenSlide reads as
/// `generic-tiff` and `TIFFPyramid` as levels.
///
/// Each level is the area mean of the one above it (a cascade, each downsample a multiple of the
/// previous), built as rows arrive: a level holds one band of tiles (256 rows of its width) and
/// one row of sums. Levels below 0 are streamed to temporary TIFFs and their compressed tiles
/// copied into the file by `finish()`, so memory does not grow with the slide. Rows of glass
/// (`appendGlass`) and tiles that are all white are written as one pre-compressed white tile, so
/// a mostly empty 100,000² slide is written in seconds. Written to a temporary name, renamed on
/// `finish()`.
public final class PyramidTIFFStream {
    public let path: String
    public let width: Int, height: Int
    public let downsamples: [Int]
    public static let tileEdge = 256
    let pixelSizeMicrons: Double?
    let temporary: String
    private var levels: [Level] = []
    /// The LZW bytes of an all-white tile (the same for every level: tiles are whole, padded white).
    private let glassTile: [UInt8]

    /// One level being written: its band of tiles, the sums of the next level's row, its file
    /// (level 0's is the stream's own; the others are copied into it and removed by `finish()`).
    final class Level {
        let width: Int, height: Int
        let file: PendingTIFF
        var handle: TIFFHandle? { file.handle }
        /// Rows of this level per row of the next one (the next level's downsample over this one's).
        var factor = 1
        var band: [UInt8]
        var bandRows = 0
        var row = 0
        var glassRow: [Bool]
        /// The next level's row being summed from this level's rows.
        var sums: [UInt32] = []
        var summed = 0
        var summedGlass = 0

        init(width: Int, height: Int, file: PendingTIFF) {
            self.width = width; self.height = height; self.file = file
            band = [UInt8](repeating: 255, count: 3 * width * PyramidTIFFStream.tileEdge)
            glassRow = [Bool](repeating: true, count: PyramidTIFFStream.tileEdge)
        }
    }

    /// - Parameters:
    ///   - downsamples: each level's downsample from level 0, increasing, each a multiple of the one
    ///     before (levels whose longer side is under one tile, 256 px, are left out).
    public init(path: String, width: Int, height: Int, pixelSizeMicrons: Double?,
                downsamples: [Int] = [4, 16, 64]) throws(FileError) {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FileError(path: path, reason: "cannot write a \(width) x \(height) TIFF")
        }
        var previous = 1
        for d in downsamples {
            guard d > previous, d % previous == 0 else {
                throw FileError(path: path, reason: "pyramid downsamples \(downsamples) must increase, each a multiple of the one before")
            }
            previous = d
        }
        self.path = path; self.width = width; self.height = height; self.pixelSizeMicrons = pixelSizeMicrons
        // A level smaller than one tile is left out: OpenSlide 3.4.1 reads such a level as white.
        self.downsamples = downsamples.filter { (max(width, height) + $0 - 1) / $0 >= Self.tileEdge }
        temporary = AtomicFile.temporaryPath(for: path)
        glassTile = try Self.encodedGlassTile(beside: temporary, path: path)
        let sizes = [(width, height, 1)] + self.downsamples.map { ((width + $0 - 1) / $0, (height + $0 - 1) / $0, $0) }
        do throws(FileError) {
            for (k, (w, h, d)) in sizes.enumerated() {
                let file = try Self.open(path: path, temporary: k == 0 ? temporary : temporary + ".level\(k)", width: w, height: h,
                                         pixelSizeMicrons: pixelSizeMicrons.map { $0 * Double(d) }, reduced: k > 0)
                levels.append(Level(width: w, height: h, file: file))
            }
            for k in 0..<(levels.count - 1) {
                levels[k].factor = self.downsamples[k] / (k == 0 ? 1 : self.downsamples[k - 1])
                levels[k].sums = [UInt32](repeating: 0, count: 3 * levels[k + 1].width)
            }
        } catch {
            abandon()
            throw FileError(path: path, reason: error.reason)
        }
    }

    /// A tiled RGB LZW TIFF open for writing at `temporary` (BigTIFF when its raw data nears 4 GiB).
    static func open(path: String, temporary: String, width: Int, height: Int, pixelSizeMicrons: Double?,
                     reduced: Bool) throws(FileError) -> PendingTIFF {
        let file = try PendingTIFF(path: path, temporary: temporary, rawBytes: 3 * width * height)
        let handle = try file.writing()
        if reduced { _ = sstiff_set_u32(handle.tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE)) }
        try setTags(handle, width: width, height: height, pixelSizeMicrons: pixelSizeMicrons)
        return file
    }

    static func setTags(_ handle: TIFFHandle, width: Int, height: Int, pixelSizeMicrons: Double?) throws(FileError) {
        try TIFFWriter.setTags(handle, width: width, height: height, samplesPerPixel: 3, bitsPerSample: 8,
                               sampleFormat: UInt16(SAMPLEFORMAT_UINT), photometric: UInt16(PHOTOMETRIC_RGB),
                               compression: .lzw, predictor: UInt16(PREDICTOR_HORIZONTAL), rowsPerStrip: 0,
                               pixelSizeMicrons: pixelSizeMicrons, tileEdge: tileEdge)
    }

    /// The compressed bytes of a white tile: written once to a scratch TIFF and read back raw.
    static func encodedGlassTile(beside temporary: String, path: String) throws(FileError) -> [UInt8] {
        let scratch = temporary + ".glass"
        defer { unlink(scratch) }
        let t = tileEdge
        try writeGlassTile(scratch, edge: t)
        let reader = try TIFFHandle.open(scratch)
        var raw = [UInt8](repeating: 0, count: 6 * t * t)
        let n = raw.withUnsafeMutableBytes { TIFFReadRawTile(reader.tif, 0, $0.baseAddress, tmsize_t($0.count)) }
        guard n > 0 else { throw FileError(path: path, reason: reader.failure("cannot read back the white tile").reason) }
        return Array(raw[0..<Int(n)])
    }

    /// A one-tile white TIFF at `scratch` (closed when this returns).
    static func writeGlassTile(_ scratch: String, edge t: Int) throws(FileError) {
        let handle = try TIFFHandle.open(scratch, mode: "w")
        try setTags(handle, width: t, height: t, pixelSizeMicrons: nil)
        var white = [UInt8](repeating: 255, count: 3 * t * t)
        let ok = white.withUnsafeMutableBytes { TIFFWriteTile(handle.tif, $0.baseAddress, 0, 0, 0, 0) >= 0 }
        guard ok, TIFFFlush(handle.tif) != 0 else { throw handle.failure("cannot write a white tile") }
    }

    /// Appends one full row of level 0 (`3 * width` bytes of interleaved RGB).
    public func append(row samples: UnsafeBufferPointer<UInt8>) throws(FileError) {
        guard samples.count == 3 * width, let base = samples.baseAddress else {
            throw FileError(path: path, reason: "a row of \(samples.count) bytes does not fit the \(width) px wide image")
        }
        try append(UnsafePointer(base), level: 0)
    }

    /// Testing: a level 0 that is not the source of the levels below it (`shown` is written into
    /// level 0, `reduced` is what the lower levels are averaged from; nil is glass).
    func append(shown: UnsafePointer<UInt8>?, reduced: UnsafePointer<UInt8>?) throws(FileError) {
        try append(shown, level: 0, reduce: .some(reduced))
    }

    /// Appends `rows` rows of white glass to level 0 (nothing is copied or summed for them).
    public func appendGlass(rows: Int) throws(FileError) {
        for _ in 0..<max(0, rows) { try append(nil, level: 0) }
    }

    /// One row (nil: glass) into level `k`: into its band (flushed as tiles when full) and summed
    /// into the next level's row, which is passed on when `factor` rows are in.
    private func append(_ samples: UnsafePointer<UInt8>?, level k: Int,
                        reduce other: UnsafePointer<UInt8>?? = .none) throws(FileError) {
        let reduced: UnsafePointer<UInt8>? = other ?? samples
        let level = levels[k]
        guard level.handle != nil, level.row + level.bandRows < level.height else {
            throw FileError(path: path, reason: "more rows than the \(width) x \(height) image holds")
        }
        let w = level.width
        if let samples {
            level.band.withUnsafeMutableBufferPointer { b in (b.baseAddress! + 3 * w * level.bandRows).update(from: samples, count: 3 * w) }
            level.glassRow[level.bandRows] = false
        } else {
            level.glassRow[level.bandRows] = true
        }
        level.bandRows += 1
        let lastRow = level.row + level.bandRows == level.height
        if k + 1 < levels.count {
            if let reduced { Self.sum(reduced, width: w, factor: level.factor, into: &level.sums) } else { level.summedGlass += 1 }
            level.summed += 1
            if level.summed == level.factor || lastRow { try passOn(from: k) }
        }
        if level.bandRows == Self.tileEdge || lastRow { try flushBand(level) }
    }

    /// Adds a row's samples to the sums of the next level's row (`factor` columns per sum).
    static func sum(_ samples: UnsafePointer<UInt8>, width w: Int, factor f: Int, into sums: inout [UInt32]) {
        sums.withUnsafeMutableBufferPointer { s in
            for x in 0..<w {
                let o = 3 * (x / f), i = 3 * x
                s[o] += UInt32(samples[i]); s[o + 1] += UInt32(samples[i + 1]); s[o + 2] += UInt32(samples[i + 2])
            }
        }
    }

    /// Turns level `k`'s sums into a row of level `k + 1` (the mean of the pixels summed; glass
    /// rows count as white) and appends it there.
    private func passOn(from k: Int) throws(FileError) {
        let level = levels[k], next = levels[k + 1]
        defer {
            level.summed = 0; level.summedGlass = 0
            level.sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        if level.summedGlass == level.summed { return try append(nil, level: k + 1) }
        let f = level.factor, rows = level.summed, glassRows = level.summedGlass
        var row = [UInt8](repeating: 255, count: 3 * next.width)
        for X in 0..<next.width {
            let columns = min(f, level.width - X * f)
            let count = UInt32(columns * rows), white = UInt32(255 * columns * glassRows)
            for c in 0..<3 { row[3 * X + c] = UInt8((level.sums[3 * X + c] + white + count / 2) / count) }
        }
        try row.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FileError) in try append(b.baseAddress!, level: k + 1) }
    }

    /// Writes the filled band of `level` as one row of tiles: all-white tiles as the pre-compressed
    /// white tile, the others encoded (rows past the band's end and glass rows white).
    private func flushBand(_ level: Level) throws(FileError) {
        guard let handle = level.handle else { return }
        let t = Self.tileEdge, w = level.width, rows = level.bandRows
        let allGlass = !level.glassRow[0..<rows].contains(false)
        if !allGlass {
            level.band.withUnsafeMutableBufferPointer { b in
                for y in 0..<rows where level.glassRow[y] { (b.baseAddress! + 3 * w * y).update(repeating: 255, count: 3 * w) }
            }
        }
        var tile = [UInt8](repeating: 255, count: 3 * t * t)
        for x0 in stride(from: 0, to: w, by: t) {
            let tw = min(t, w - x0)
            let index = TIFFComputeTile(handle.tif, UInt32(x0), UInt32(level.row), 0, 0)
            var glass = allGlass
            if !glass {
                glass = level.band.withUnsafeBufferPointer { b in
                    for y in 0..<rows {
                        let start = 3 * (y * w + x0)
                        for i in start..<(start + 3 * tw) where b[i] != 255 { return false }
                    }
                    return true
                }
            }
            let ok: Bool
            if glass {
                ok = glassTile.withUnsafeBytes { TIFFWriteRawTile(handle.tif, index, UnsafeMutableRawPointer(mutating: $0.baseAddress), tmsize_t($0.count)) >= 0 }
            } else {
                for y in 0..<t {
                    let dst = 3 * t * y
                    if y < rows {
                        let src = 3 * (y * w + x0)
                        tile.replaceSubrange(dst..<(dst + 3 * tw), with: level.band[src..<(src + 3 * tw)])
                        if tw < t { tile.replaceSubrange((dst + 3 * tw)..<(dst + 3 * t), with: repeatElement(255, count: 3 * (t - tw))) }
                    } else {
                        tile.replaceSubrange(dst..<(dst + 3 * t), with: repeatElement(255, count: 3 * t))
                    }
                }
                ok = tile.withUnsafeMutableBytes { TIFFWriteTile(handle.tif, $0.baseAddress, UInt32(x0), UInt32(level.row), 0, 0) >= 0 }
            }
            guard ok else { throw FileError(path: path, reason: handle.failure("cannot write the tile at (\(x0), \(level.row))").reason) }
        }
        level.row += rows
        level.bandRows = 0
        for y in 0..<t { level.glassRow[y] = true }
    }

    /// Completes level 0's directory, copies each lower level's compressed tiles from its
    /// temporary file into a directory of its own, and moves the file into place.
    public func finish() throws(FileError) {
        guard let main = levels.first?.handle else { return }
        guard levels.allSatisfy({ $0.row == $0.height }) else {
            let done = levels[0].row
            abandon()
            throw FileError(path: path, reason: "only \(done) of \(height) rows written")
        }
        do throws(FileError) {
            guard TIFFWriteDirectory(main.tif) != 0 else { throw main.failure("cannot finish level 0") }
            for k in 1..<levels.count {
                let level = levels[k]
                guard let handle = level.handle, TIFFFlush(handle.tif) != 0 else { throw FileError(path: path, reason: "cannot finish level \(k)") }
                level.file.close()
                let reader = try TIFFHandle.open(level.file.temporary)
                _ = sstiff_set_u32(main.tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE))
                try Self.setTags(main, width: level.width, height: level.height,
                                 pixelSizeMicrons: pixelSizeMicrons.map { $0 * Double(downsamples[k - 1]) })
                var raw = [UInt8](repeating: 0, count: 6 * Self.tileEdge * Self.tileEdge)
                for tile in 0..<TIFFNumberOfTiles(reader.tif) {
                    let n = raw.withUnsafeMutableBytes { TIFFReadRawTile(reader.tif, tile, $0.baseAddress, tmsize_t($0.count)) }
                    guard n > 0 else { throw reader.failure("cannot read tile \(tile) of level \(k) back") }
                    let ok = raw.withUnsafeMutableBytes { TIFFWriteRawTile(main.tif, tile, $0.baseAddress, n) >= 0 }
                    guard ok else { throw main.failure("cannot copy tile \(tile) of level \(k)") }
                }
                level.file.abandon()   // copied
                guard TIFFWriteDirectory(main.tif) != 0 else { throw main.failure("cannot finish level \(k)") }
            }
        } catch {
            abandon()
            throw FileError(path: path, reason: error.reason)
        }
        try levels[0].file.commit()
    }

    /// Closes and removes every unfinished file (after an error).
    public func abandon() {
        for level in levels { level.file.abandon() }
    }
}
