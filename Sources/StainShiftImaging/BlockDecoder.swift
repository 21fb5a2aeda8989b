import CJPEG
import CTIFF
import Foundation
import StainShiftFoundation

/// Decodes strips or tiles of one TIFF page into the RGB output rectangle, through one libtiff
/// handle. One decoder per worker: it owns its scratch buffers.
struct BlockDecoder {
    /// A strip (column 0) or tile, by position in the block grid.
    struct Block: Sendable { let column: Int; let row: Int }

    let handle: TIFFHandle
    let layout: TIFFLayout
    let rect: PixelRect
    let out: OutputPointer
    /// Sample planes to read: [0] when chunky; colour planes then alpha when planar.
    let planes: [Int]
    /// Decoded bytes of one block (of one plane when planar).
    let blockBytes: Int
    /// Bytes per row of a decoded block (of one plane when planar).
    let rowBytes: Int
    private var scratch: [UInt8]
    private var raw: [UInt8] = []
    private let palette: [UInt8]
    private let jpegTables: [UInt8]
    private let fileSize: UInt64

    init(handle: TIFFHandle, layout: TIFFLayout, rect: PixelRect, out: OutputPointer) throws(FileError) {
        self.handle = handle
        self.layout = layout
        self.rect = rect
        self.out = out
        let colourPlanes = layout.colour == .rgb ? 3 : 1
        if layout.planar {
            planes = Array(0..<colourPlanes) + (layout.alphaIndex.map { [$0] } ?? [])
        } else {
            planes = [0]
        }
        let samplesPerRow = layout.blockWidth * (layout.planar ? 1 : layout.samplesPerPixel)
        let jpegComponents = layout.colour == .grey ? 1 : 3
        rowBytes = layout.route == .jpeg ? layout.blockWidth * jpegComponents : samplesPerRow * layout.bytesPerSample
        blockBytes = rowBytes * layout.blockHeight
        let fastStrips = BlockDecoder.stripsGoStraightToOutput(layout, rect)
        scratch = fastStrips ? [] : [UInt8](repeating: 0, count: blockBytes * planes.count)
        palette = layout.colour == .palette ? try BlockDecoder.palette(handle) : []
        var tables: [UInt8] = []
        if layout.route == .jpeg {
            var count: UInt32 = 0
            var pointer: UnsafeMutableRawPointer? = nil
            if sstiff_get_jpegtables(handle.tif, &count, &pointer) != 0, let pointer, count > 0 {
                tables = Array(UnsafeRawBufferPointer(start: pointer, count: Int(count)))
            }
        }
        jpegTables = tables
        var status = stat()
        fileSize = stat(handle.path, &status) == 0 ? UInt64(max(0, status.st_size)) : 0
    }

    /// Whole 8-bit or 16-bit chunky RGB strips inside a full-width rectangle decode straight
    /// into the output, with no copy.
    static func stripsGoStraightToOutput(_ layout: TIFFLayout, _ rect: PixelRect) -> Bool {
        layout.route == .direct && !layout.tiled && !layout.planar && layout.colour == .rgb
            && layout.samplesPerPixel == 3 && rect.x == 0 && rect.width == layout.width
    }

    mutating func decode(_ block: Block) throws(FileError) {
        let x0 = block.column * layout.blockWidth, y0 = block.row * layout.blockHeight
        let validRows = min(layout.blockHeight, layout.height - y0)
        let validColumns = min(layout.blockWidth, layout.width - x0)
        guard let inter = PixelRect(x: x0, y: y0, width: validColumns, height: validRows).intersection(rect) else { return }
        let index = layout.tiled ? block.row * layout.blocksAcross + block.column : block.row
        switch layout.route {
        case .jpeg: try decodeJPEG(index: index, x0: x0, y0: y0, validRows: validRows, inter: inter)
        case .direct: try decodeDirect(index: index, x0: x0, y0: y0, validRows: validRows, inter: inter)
        case .rgba: throw FileError(path: handle.path, reason: "internal: RGBA layouts are not block-decoded")
        }
    }

    private var blocksPerPlane: Int { layout.tiled ? layout.blocksAcross * layout.blocksDown : layout.blocksDown }

    /// libtiff decodes; the samples are converted to RGB rows of the output.
    private mutating func decodeDirect(index: Int, x0: Int, y0: Int, validRows: Int, inter: PixelRect) throws(FileError) {
        let tif = handle.tif
        let bytes = layout.bytesPerSample
        if BlockDecoder.stripsGoStraightToOutput(layout, rect) && inter.y == y0 && inter.height == validRows {
            let size = validRows * rowBytes
            let destination = out.base + (inter.y - rect.y) * rect.width * 3 * bytes
            let n = TIFFReadEncodedStrip(tif, UInt32(index), destination, tmsize_t(size))
            guard n >= size else { throw handle.failure("cannot decode strip \(index)") }
            return
        }
        let neededBytes = (inter.maxY - y0) * rowBytes
        // Strips only partly inside the rectangle need the scratch buffer even on the direct path.
        if scratch.count < blockBytes * planes.count { scratch = [UInt8](repeating: 0, count: blockBytes * planes.count) }
        let blockBytes = self.blockBytes, planes = self.planes, tiled = layout.tiled, perPlane = blocksPerPlane
        let readSize = tiled ? blockBytes : validRows * rowBytes
        let handle = self.handle
        let failure: FileError? = scratch.withUnsafeMutableBytes { s in
            for (k, plane) in planes.enumerated() {
                let i = index + plane * perPlane
                guard i <= Int(UInt32.max) else { return FileError(path: handle.path, reason: "block index out of range") }
                let destination = s.baseAddress! + k * blockBytes
                let n = tiled ? TIFFReadEncodedTile(tif, UInt32(i), destination, tmsize_t(readSize))
                              : TIFFReadEncodedStrip(tif, UInt32(i), destination, tmsize_t(readSize))
                guard n >= neededBytes else {
                    return handle.failure("cannot decode \(tiled ? "tile" : "strip") \(i)")
                }
            }
            return nil
        }
        if let failure { throw failure }
        if layout.outputIs16Bit {
            convertRows(UInt16.self, x0: x0, y0: y0, inter: inter)
        } else {
            convertRows(UInt8.self, x0: x0, y0: y0, inter: inter)
        }
    }

    /// Converts the rows of `inter` from the scratch block to output RGB.
    private func convertRows<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, x0: Int, y0: Int, inter: PixelRect) {
        let layout = self.layout, rect = self.rect
        let output = out.base.assumingMemoryBound(to: T.self)
        scratch.withUnsafeBytes { s in
            let base = s.baseAddress!
            let step = layout.planar ? 1 : layout.samplesPerPixel
            for y in inter.y..<inter.maxY {
                let rowOffset = (y - y0) * rowBytes + (inter.x - x0) * step * MemoryLayout<T>.size
                func channel(_ c: Int) -> UnsafePointer<T> {
                    let plane = layout.planar ? c : 0
                    let offset = plane * blockBytes + rowOffset + (layout.planar ? 0 : c * MemoryLayout<T>.size)
                    return (base + offset).assumingMemoryBound(to: T.self)
                }
                let destination = output + ((y - rect.y) * rect.width + (inter.x - rect.x)) * 3
                switch layout.colour {
                case .palette:
                    palette.withUnsafeBufferPointer { lut in
                        SampleConverter.palette(channel(0).withMemoryRebound(to: UInt8.self, capacity: 1) { $0 },
                                                step: step, count: inter.width, lut: lut.baseAddress!,
                                                out: UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt8.self))
                    }
                case .rgb:
                    let alphaChannel = layout.alphaIndex.map { layout.planar ? 3 : $0 }
                    SampleConverter.row(r: channel(0), g: channel(1), b: channel(2),
                                        alpha: alphaChannel.map(channel), associated: layout.alphaAssociated,
                                        invert: false, step: step, count: inter.width, out: destination)
                case .grey, .greyInverted:
                    let g = channel(0)
                    let alphaChannel = layout.alphaIndex.map { layout.planar ? 1 : $0 }
                    SampleConverter.row(r: g, g: g, b: g, alpha: alphaChannel.map(channel),
                                        associated: layout.alphaAssociated, invert: layout.colour == .greyInverted,
                                        step: step, count: inter.width, out: destination)
                }
            }
        }
    }

    /// Raw JPEG strip/tile (with JPEGTables prepended) decoded by libjpeg in C.
    private mutating func decodeJPEG(index: Int, x0: Int, y0: Int, validRows: Int, inter: PixelRect) throws(FileError) {
        let tif = handle.tif
        guard index <= Int(UInt32.max) else { throw FileError(path: handle.path, reason: "block index out of range") }
        let what = layout.tiled ? "tile" : "strip"
        let size = TIFFGetStrileByteCount(tif, UInt32(index))
        guard size > 0, size <= fileSize, size <= UInt64(Int.max) else {
            throw handle.failure("JPEG \(what) \(index) has an invalid byte count (\(size))")
        }
        if raw.count < Int(size) { raw = [UInt8](repeating: 0, count: Int(size)) }
        let tiled = layout.tiled
        let n = raw.withUnsafeMutableBytes { r in
            tiled ? TIFFReadRawTile(tif, UInt32(index), r.baseAddress, tmsize_t(size))
                  : TIFFReadRawStrip(tif, UInt32(index), r.baseAddress, tmsize_t(size))
        }
        guard n > 0 else { throw handle.failure("cannot read JPEG \(what) \(index)") }
        let components = layout.colour == .grey ? 1 : 3
        let stored: Int32 = components == 1 ? Int32(SSJPEG_STORED_GREY)
            : Int32(layout.photometric) == PHOTOMETRIC_YCBCR ? Int32(SSJPEG_STORED_YCBCR) : Int32(SSJPEG_STORED_RGB)
        var message = [CChar](repeating: 0, count: 256)
        let rowBytes = self.rowBytes, blockWidth = layout.blockWidth
        guard scratch.count >= rowBytes * layout.blockHeight else {
            throw FileError(path: handle.path, reason: "internal: JPEG scratch buffer missing")
        }
        let ok = scratch.withUnsafeMutableBytes { s in
            memset(s.baseAddress!, 0, s.count)  // a short stream leaves white-free zeros, never stale pixels
            return raw.withUnsafeBytes { r in
                jpegTables.withUnsafeBytes { t in
                    ssjpeg_decode(t.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(t.count),
                                  r.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(n),
                                  stored, Int32(components),
                                  s.baseAddress?.assumingMemoryBound(to: UInt8.self), rowBytes,
                                  UInt32(blockWidth), UInt32(validRows), &message, message.count)
                }
            }
        }
        guard ok != 0 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FileError(path: handle.path, reason: "cannot decode JPEG \(what) \(index): \(text)")
        }
        let output = out.base.assumingMemoryBound(to: UInt8.self)
        let rect = self.rect
        scratch.withUnsafeBytes { s in
            let base = s.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for y in inter.y..<inter.maxY {
                let source = base + (y - y0) * rowBytes + (inter.x - x0) * components
                let destination = output + ((y - rect.y) * rect.width + (inter.x - rect.x)) * 3
                if components == 3 {
                    destination.update(from: source, count: inter.width * 3)
                } else {
                    SampleConverter.row(r: UnsafePointer(source), g: UnsafePointer(source), b: UnsafePointer(source),
                                        alpha: nil, associated: false, invert: false, step: 1,
                                        count: inter.width, out: destination)
                }
            }
        }
    }

    /// The ColorMap as an 8-bit RGB lookup table of 256 entries. TIFF colour maps are 16-bit;
    /// some writers store 8-bit values in them, recognised (as libtiff's tools do) by no entry
    /// exceeding 255.
    static func palette(_ handle: TIFFHandle) throws(FileError) -> [UInt8] {
        var r: UnsafeMutablePointer<UInt16>? = nil, g: UnsafeMutablePointer<UInt16>? = nil, b: UnsafeMutablePointer<UInt16>? = nil
        guard sstiff_get_colormap(handle.tif, &r, &g, &b) != 0, let r, let g, let b else {
            throw handle.failure("palette image has no colour map")
        }
        let entries = 256  // bitsPerSample is 8 on this route
        var eightBit = true
        for i in 0..<entries where r[i] > 255 || g[i] > 255 || b[i] > 255 { eightBit = false; break }
        var lut = [UInt8](repeating: 0, count: entries * 3)
        for i in 0..<entries {
            lut[3 * i] = UInt8(truncatingIfNeeded: eightBit ? r[i] : r[i] >> 8)
            lut[3 * i + 1] = UInt8(truncatingIfNeeded: eightBit ? g[i] : g[i] >> 8)
            lut[3 * i + 2] = UInt8(truncatingIfNeeded: eightBit ? b[i] : b[i] >> 8)
        }
        return lut
    }
}
