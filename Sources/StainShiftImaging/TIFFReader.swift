import CTIFF
import Dispatch
import Foundation
import StainShiftFoundation

/// TIFF through libtiff: whole pages and rectangles, with strips or tiles decoded in parallel
/// through one libtiff handle per worker.
enum TIFFReader {
    static func info(_ path: String, page: Int) throws(FileError) -> ImageInfo {
        let handle = try TIFFHandle.open(path)
        let pages = Int(TIFFNumberOfDirectories(handle.tif))
        let pyramid: (levels: [SlideLevel], pages: [Int]) = pages > 1 ? TIFFPyramid.levelsAndPages(handle) : ([], [])
        try handle.setPage(page)
        let layout = try TIFFLayout(handle)
        var info = ImageInfo(format: .tiff, width: layout.orientedWidth, height: layout.orientedHeight,
                         bitsPerSample: layout.bitsPerSample, samplesPerPixel: layout.samplesPerPixel,
                         photometric: TIFFLayout.photometricName(layout.photometric),
                         compression: TIFFLayout.compressionName(layout.compression),
                         tiled: layout.tiled,
                         tileWidth: layout.tiled ? layout.blockWidth : nil,
                         tileHeight: layout.tiled ? layout.blockHeight : nil,
                         pages: max(pages, 1), pixelSizeMicrons: layout.pixelSizeMicrons,
                         orientation: layout.orientation)
        if pyramid.levels.count > 1 { info.levels = pyramid.levels; info.levelPages = pyramid.pages }
        return info
    }

    static func read(_ path: String, options: ReadOptions) throws(FileError) -> RGBImage {
        try read(path, region: nil, options: options)
    }

    /// `region` is in display coordinates (orientation applied); nil reads the whole page.
    static func read(_ path: String, region: PixelRect?, options: ReadOptions) throws(FileError) -> RGBImage {
        let handle = try TIFFHandle.open(path)
        try handle.setPage(options.page)
        let layout = try TIFFLayout(handle)
        let orientation = Orientation(value: layout.orientation, storedWidth: layout.width, storedHeight: layout.height)
        let (pixels, overflow) = layout.width.multipliedReportingOverflow(by: layout.height)
        let rect: PixelRect
        if let region {
            try region.check(within: layout.orientedWidth, layout.orientedHeight, path: path)
            try layout.checkBudget(region.pixelCount, maxPixels: options.maxPixels, path: path,
                                   what: "region of \(region.width) x \(region.height) pixels")
            rect = region
        } else {
            guard !overflow else { throw FileError(path: path, reason: "image size overflows") }
            try layout.checkBudget(pixels, maxPixels: options.maxPixels, path: path,
                                   what: "\(layout.orientedWidth) x \(layout.orientedHeight) pixels")
            rect = PixelRect(x: 0, y: 0, width: layout.orientedWidth, height: layout.orientedHeight)
        }
        let stored = orientation.storedRect(for: rect)
        var image = try decode(handle, layout: layout, rect: stored, options: options)
        if !orientation.isIdentity {
            switch image.samples {
            case .uint8(let s):
                image = RGBImage(width: rect.width, height: rect.height, samples: .uint8(orientation.remap(s, source: stored, to: rect)))
            case .uint16(let s):
                image = RGBImage(width: rect.width, height: rect.height, samples: .uint16(orientation.remap(s, source: stored, to: rect)))
            }
        }
        image.pixelSizeMicrons = layout.pixelSizeMicrons
        return image
    }

    /// Decodes the stored rectangle `rect` into RGB.
    static func decode(_ handle: TIFFHandle, layout: TIFFLayout, rect: PixelRect,
                       options: ReadOptions) throws(FileError) -> RGBImage {
        let count = rect.pixelCount * 3
        if layout.route == .rgba {
            let samples = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised throws(FileError) in
                try RGBAInterface.decode(handle, rect: rect, into: buffer.baseAddress!)
                initialised = count
            }
            return RGBImage(width: rect.width, height: rect.height, samples: .uint8(samples))
        }
        try checkBlockBudget(layout, options: options, path: handle.path)
        if layout.outputIs16Bit {
            let samples = try [UInt16](unsafeUninitializedCapacity: count) { buffer, initialised throws(FileError) in
                try decodeBlocks(handle, layout: layout, rect: rect, options: options,
                                 out: OutputPointer(base: UnsafeMutableRawPointer(buffer.baseAddress!)))
                initialised = count
            }
            return RGBImage(width: rect.width, height: rect.height, samples: .uint16(samples))
        } else {
            let samples = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised throws(FileError) in
                try decodeBlocks(handle, layout: layout, rect: rect, options: options,
                                 out: OutputPointer(base: UnsafeMutableRawPointer(buffer.baseAddress!)))
                initialised = count
            }
            return RGBImage(width: rect.width, height: rect.height, samples: .uint8(samples))
        }
    }

    /// A strip or tile must itself fit the pixel budget: its decode buffer is allocated whole.
    static func checkBlockBudget(_ layout: TIFFLayout, options: ReadOptions, path: String) throws(FileError) {
        let (blockPixels, overflow) = layout.blockWidth.multipliedReportingOverflow(by: layout.blockHeight)
        guard !overflow, blockPixels <= max(options.maxPixels, 1 << 20), blockPixels <= 1 << 28 else {
            throw FileError(path: path, reason: "\(layout.tiled ? "tile" : "strip") of \(layout.blockWidth) x \(layout.blockHeight) pixels exceeds the limit of \(options.maxPixels) pixels")
        }
    }

    /// Decodes every strip or tile meeting `rect`, split over workers in contiguous runs (one
    /// libtiff handle each); each output pixel is written by exactly one block, so the result
    /// does not depend on the worker count.
    static func decodeBlocks(_ handle: TIFFHandle, layout: TIFFLayout, rect: PixelRect,
                             options: ReadOptions, out: OutputPointer) throws(FileError) {
        let bx0 = rect.x / layout.blockWidth, bx1 = (rect.maxX - 1) / layout.blockWidth
        let by0 = rect.y / layout.blockHeight, by1 = (rect.maxY - 1) / layout.blockHeight
        var blocks: [BlockDecoder.Block] = []
        blocks.reserveCapacity((bx1 - bx0 + 1) * (by1 - by0 + 1))
        for by in by0...by1 { for bx in bx0...bx1 { blocks.append(BlockDecoder.Block(column: bx, row: by)) } }
        let workers = min(options.effectiveThreads, blocks.count)
        if workers <= 1 {
            var decoder = try BlockDecoder(handle: handle, layout: layout, rect: rect, out: out)
            for block in blocks { try decoder.decode(block) }
            return
        }
        let failures = FailureList(count: workers)
        let path = handle.path, page = options.page, allBlocks = blocks
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let run = allBlocks[(worker * allBlocks.count / workers)..<((worker + 1) * allBlocks.count / workers)]
            do throws(FileError) {
                let own: TIFFHandle
                if worker == 0 {
                    own = handle
                } else {
                    own = try TIFFHandle.open(path)
                    try own.setPage(page)
                }
                var decoder = try BlockDecoder(handle: own, layout: layout, rect: rect, out: out)
                for block in run { try decoder.decode(block) }
            } catch {
                failures.set(worker, error)
            }
        }
        if let first = failures.first { throw first }
    }
}

/// Where decoded samples go: the first sample of the output rectangle (UInt8 or UInt16).
/// `@unchecked Sendable`: workers write disjoint pixels.
struct OutputPointer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
}

/// The first error per worker, read in worker order so the reported error is deterministic.
final class FailureList: @unchecked Sendable {
    private var errors: [FileError?]
    private let lock = NSLock()

    init(count: Int) { errors = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ error: FileError) {
        lock.lock(); defer { lock.unlock() }
        errors[index] = error
    }

    var first: FileError? {
        lock.lock(); defer { lock.unlock() }
        return errors.lazy.compactMap { $0 }.first
    }
}
