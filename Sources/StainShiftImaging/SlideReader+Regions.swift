import Dispatch
import Foundation
import StainShiftFoundation

/// Reading pixels and header facts from an open slide.
extension SlideReader {
    /// Rows per `openslide_read_region` call: reads are split into bands of fixed height (so the
    /// pixels never depend on the thread count) decoded in parallel on the shared handle. Only
    /// where band edges fall on whole level-0 pixels (integer downsamples, as at level 0): a band
    /// starting between them would be resampled by OpenSlide half a pixel off, so other levels
    /// are read in one call.
    static func bandRows(width: Int, height: Int, downsample: Double) -> Int {
        guard downsample == downsample.rounded() else { return height }
        return max(1, min(256, (4 << 20) / max(width, 1)))
    }

    /// The whole of `level` (0 = full resolution) as 8-bit RGB, when it fits `options.maxPixels`;
    /// larger slides must be read in regions or from a coarser level.
    public func read(level: Int = 0, options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        try checkLevel(level)
        let size = levels[level]
        let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
        guard !overflow, pixels <= options.maxPixels else {
            throw FileError(path: path, reason: "slide is \(size.width) x \(size.height) pixels at level \(level), larger than the pixel budget of \(options.maxPixels) pixels: read it in regions or from a coarser level")
        }
        return try readRegion(level: level, x: 0, y: 0, width: size.width, height: size.height, options: options)
    }

    /// `width` x `height` pixels of `level`, whose top-left corner is `(x, y)` in level-0
    /// coordinates (as `openslide_read_region`), composited over white. Pixels outside the slide
    /// (OpenSlide returns them transparent) are white, like empty glass. Regions larger than
    /// `options.maxPixels` are refused before anything is allocated. The result's pixel size is
    /// the level-0 pixel size times the level's downsample.
    public func readRegion(level: Int = 0, x: Int, y: Int, width: Int, height: Int,
                           options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        try checkLevel(level)
        guard width > 0, height > 0 else {
            throw FileError(path: path, reason: "region \(width) x \(height) is empty")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= options.maxPixels else {
            throw FileError(path: path, reason: "region of \(width) x \(height) pixels exceeds the limit of \(options.maxPixels) pixels")
        }
        let downsample = levels[level].downsample
        let rowsPerBand = SlideReader.bandRows(width: width, height: height, downsample: downsample)
        let bands = (height + rowsPerBand - 1) / rowsPerBand
        let workers = max(1, min(options.effectiveThreads, bands))
        let failures = FailureList(count: workers)
        let count = pixels * 3
        let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            let out = OutputPointer(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let argb = UnsafeMutablePointer<UInt32>.allocate(capacity: width * rowsPerBand)
                defer { argb.deallocate() }
                let rgb = out.base.assumingMemoryBound(to: UInt8.self)
                for band in stride(from: worker, to: bands, by: workers) {
                    let row = band * rowsPerBand, rows = min(rowsPerBand, height - row)
                    // The band's top edge in level-0 coordinates (an integer downsample: exact).
                    let top = y + row * Int(downsample)
                    do throws(FileError) {
                        try readARGB(into: argb, level: level, x: x, y: top, width: width, height: rows)
                    } catch {
                        failures.set(worker, error)
                        return
                    }
                    SlidePixels.composite(UnsafeBufferPointer(start: argb, count: width * rows), into: rgb + row * width * 3)
                }
            }
            initialised = count
        }
        if let first = failures.first { throw first }
        return RGBImage(width: width, height: height, samples: .uint8(samples),
                        pixelSizeMicrons: pixelSizeMicrons.map { $0 * downsample })
    }

    /// The level-0 region `width` x `height` at `(x, y)` reduced by `downsample` (>= 1) to
    /// exactly `round(width / downsample)` x `round(height / downsample)` pixels: read from the
    /// best level (`bestLevel(forDownsample:)`), then area-averaged when that level's own
    /// downsample is not the one asked for. `options.maxPixels` bounds the level read.
    public func readRegion(x: Int, y: Int, width: Int, height: Int, downsample: Double,
                           options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        guard downsample.isFinite, downsample >= 1 - 1e-9 else {
            throw FileError(path: path, reason: "downsample \(downsample) is finer than level 0 (must be 1 or more)")
        }
        let outWidth = max(1, Int((Double(width) / downsample).rounded()))
        let outHeight = max(1, Int((Double(height) / downsample).rounded()))
        let level = bestLevel(forDownsample: downsample)
        let levelDownsample = levels[level].downsample
        let levelWidth = max(1, Int((Double(width) / levelDownsample).rounded(.up)))
        let levelHeight = max(1, Int((Double(height) / levelDownsample).rounded(.up)))
        let read = try readRegion(level: level, x: x, y: y, width: levelWidth, height: levelHeight, options: options)
        var image = SlideResampler.areaAverage(read, width: outWidth, height: outHeight)
        image.pixelSizeMicrons = pixelSizeMicrons.map { $0 * Double(width) / Double(outWidth) }
        return image
    }

    /// The level-0 region at `micronsPerPixel` (e.g. 1.0 for a 10x-like view of a 20x scan),
    /// through `readRegion(x:y:width:height:downsample:)`; needs the slide's pixel size.
    public func readRegion(x: Int, y: Int, width: Int, height: Int, micronsPerPixel: Double,
                           options: ReadOptions = ReadOptions()) throws(FileError) -> RGBImage {
        guard let base = pixelSizeMicrons else {
            throw FileError(path: path, reason: "slide declares no pixel size (openslide.mpp-x): read by downsample instead")
        }
        return try readRegion(x: x, y: y, width: width, height: height, downsample: micronsPerPixel / base, options: options)
    }

    /// Header facts of `level` (size and pixel size) with the whole pyramid, vendor, objective
    /// and associated images. Compression and page count come from libtiff when the slide is a
    /// TIFF, else `unknown` and the level count.
    public func info(level: Int = 0) throws(FileError) -> ImageInfo {
        try checkLevel(level)
        let tiff = try? TIFFReader.info(path, page: 0)
        let size = levels[level]
        var info = ImageInfo(format: .slide, width: size.width, height: size.height, bitsPerSample: 8,
                             samplesPerPixel: 3, photometric: "rgb", compression: tiff?.compression ?? "unknown",
                             tiled: tileWidth != nil, tileWidth: tileWidth, tileHeight: tileHeight,
                             pages: tiff?.pages ?? levels.count,
                             pixelSizeMicrons: pixelSizeMicrons.map { $0 * size.downsample })
        info.levels = levels
        info.levelPages = Array(levels.indices)
        info.vendor = vendor
        info.objectivePower = objectivePower
        info.associatedImages = associatedImageNames
        return info
    }
}
