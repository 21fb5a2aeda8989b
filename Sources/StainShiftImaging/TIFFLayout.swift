import CTIFF
import Foundation
import StainShiftFoundation

/// One TIFF directory's header, checked, and the decoding route it calls for.
struct TIFFLayout: Sendable {
    /// How the samples become RGB.
    enum Route: Sendable, Equatable {
        /// libtiff decodes strips/tiles (`TIFFReadEncoded*`); StainShift converts the samples.
        case direct
        /// Raw JPEG strips/tiles (`TIFFReadRaw*`) decoded by libjpeg, which also handles the
        /// YCbCr streams behind RGB tags that libtiff refuses.
        case jpeg
        /// libtiff's RGBA interface, for layouts the direct route does not cover (1/2/4-bit,
        /// YCbCr without JPEG, CMYK, Lab, old-style JPEG, ...): 8-bit output.
        case rgba
    }

    /// What the colour samples mean on the direct route.
    enum Colour: Sendable, Equatable { case rgb, grey, greyInverted, palette }

    /// Stored size (before orientation).
    var width: Int
    var height: Int
    var bitsPerSample: Int
    var samplesPerPixel: Int
    var sampleFormat: Int
    var photometric: Int
    var compression: Int
    var planar: Bool
    var orientation: Int
    var tiled: Bool
    /// Tile size, or full width x rows per strip.
    var blockWidth: Int
    var blockHeight: Int
    var pixelSizeMicrons: Double?
    var route: Route
    var colour: Colour
    /// Index of the alpha sample among the samples, and whether it is premultiplied.
    var alphaIndex: Int?
    var alphaAssociated: Bool

    var blocksAcross: Int { (width + blockWidth - 1) / blockWidth }
    var blocksDown: Int { (height + blockHeight - 1) / blockHeight }
    var bytesPerSample: Int { bitsPerSample / 8 }
    /// Size of the image `read` returns, after orientation.
    var orientedWidth: Int { orientation >= 5 ? height : width }
    var orientedHeight: Int { orientation >= 5 ? width : height }
    /// 16-bit output only on the direct route with 16-bit non-palette samples.
    var outputIs16Bit: Bool { route == .direct && bitsPerSample == 16 && colour != .palette }

    /// Reads and checks the current directory of `handle`.
    init(_ handle: TIFFHandle) throws(FileError) {
        let path = handle.path
        guard let w = handle.u32(TIFFTAG_IMAGEWIDTH), let h = handle.u32(TIFFTAG_IMAGELENGTH) else {
            throw handle.failure("TIFF has no image width or height")
        }
        width = Int(w)
        height = Int(h)
        guard width > 0, height > 0 else {
            throw FileError(path: path, reason: "image has zero size (\(width) x \(height))")
        }
        bitsPerSample = Int(handle.u16Defaulted(TIFFTAG_BITSPERSAMPLE) ?? 1)
        samplesPerPixel = Int(handle.u16Defaulted(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        sampleFormat = Int(handle.u16Defaulted(TIFFTAG_SAMPLEFORMAT) ?? 1)
        compression = Int(handle.u16Defaulted(TIFFTAG_COMPRESSION) ?? 1)
        planar = handle.u16Defaulted(TIFFTAG_PLANARCONFIG).map { Int32($0) == PLANARCONFIG_SEPARATE } ?? false
        orientation = Int(handle.u16Defaulted(TIFFTAG_ORIENTATION) ?? 1)
        if !(1...8).contains(orientation) { orientation = 1 }
        guard samplesPerPixel >= 1 else { throw FileError(path: path, reason: "TIFF declares 0 samples per pixel") }
        if let p = handle.u16(TIFFTAG_PHOTOMETRIC) {
            photometric = Int(p)
        } else {
            // Missing Photometric (seen in the wild): grey for one sample, RGB otherwise, as libtiff assumes.
            photometric = Int(samplesPerPixel >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK)
        }
        tiled = TIFFIsTiled(handle.tif) != 0
        if tiled {
            guard let tw = handle.u32(TIFFTAG_TILEWIDTH), let th = handle.u32(TIFFTAG_TILELENGTH), tw > 0, th > 0 else {
                throw handle.failure("tiled TIFF has no valid tile size")
            }
            blockWidth = Int(tw)
            blockHeight = Int(th)
        } else {
            let rows = handle.u32(TIFFTAG_ROWSPERSTRIP).map(Int.init) ?? height
            blockWidth = width
            blockHeight = max(1, min(rows, height))
        }
        pixelSizeMicrons = TIFFLayout.pixelSize(handle)

        // Alpha: ExtraSamples says which extra sample is alpha; RGB with a fourth sample and no
        // ExtraSamples tag is treated as associated alpha, as libtiff's RGBA interface does.
        var extraCount: UInt16 = 0
        var extraValues: UnsafeMutablePointer<UInt16>? = nil
        var extras: [UInt16] = []
        if sstiff_get_extrasamples(handle.tif, &extraCount, &extraValues) != 0, let extraValues {
            extras = Array(UnsafeBufferPointer(start: extraValues, count: Int(extraCount)))
        }
        let colourSamples = samplesPerPixel - extras.count

        // Classify.
        let pm = Int32(photometric), comp = Int32(compression)
        alphaIndex = nil
        alphaAssociated = false
        colour = .rgb
        if sampleFormat != Int(SAMPLEFORMAT_UINT) && sampleFormat != Int(SAMPLEFORMAT_VOID) {
            let kind = sampleFormat == Int(SAMPLEFORMAT_IEEEFP) ? "floating-point" :
                       sampleFormat == Int(SAMPLEFORMAT_INT) ? "signed integer" : "sample format \(sampleFormat)"
            throw FileError(path: path, reason: "unsupported sample format: \(bitsPerSample)-bit \(kind) (brightfield images are unsigned 8 or 16-bit)")
        }
        guard [1, 2, 4, 8, 16].contains(bitsPerSample) else {
            throw FileError(path: path, reason: "unsupported sample format: \(bitsPerSample)-bit unsigned integer (8 or 16-bit expected)")
        }
        if comp == COMPRESSION_JPEG {
            guard bitsPerSample == 8 else {
                throw FileError(path: path, reason: "unsupported JPEG: \(bitsPerSample)-bit samples")
            }
            if !planar && ((samplesPerPixel == 3 && (pm == PHOTOMETRIC_RGB || pm == PHOTOMETRIC_YCBCR))
                           || (samplesPerPixel == 1 && pm == PHOTOMETRIC_MINISBLACK)) {
                route = .jpeg
                colour = samplesPerPixel == 1 ? .grey : .rgb
            } else {
                route = .rgba
            }
        } else if bitsPerSample >= 8 && comp != COMPRESSION_OJPEG {
            switch pm {
            case PHOTOMETRIC_RGB where samplesPerPixel >= 3:
                route = .direct; colour = .rgb
                if samplesPerPixel >= 4 {
                    if extras.isEmpty && samplesPerPixel == 4 {
                        alphaIndex = 3; alphaAssociated = true
                    } else if colourSamples == 3, let first = extras.first,
                              Int32(first) == EXTRASAMPLE_ASSOCALPHA || Int32(first) == EXTRASAMPLE_UNASSALPHA {
                        alphaIndex = 3; alphaAssociated = Int32(first) == EXTRASAMPLE_ASSOCALPHA
                    }
                }
            case PHOTOMETRIC_MINISBLACK, PHOTOMETRIC_MINISWHITE:
                route = .direct; colour = pm == PHOTOMETRIC_MINISBLACK ? .grey : .greyInverted
                if samplesPerPixel >= 2, colourSamples == 1, let first = extras.first,
                   Int32(first) == EXTRASAMPLE_ASSOCALPHA || Int32(first) == EXTRASAMPLE_UNASSALPHA {
                    alphaIndex = 1; alphaAssociated = Int32(first) == EXTRASAMPLE_ASSOCALPHA
                }
            case PHOTOMETRIC_PALETTE where bitsPerSample == 8:
                route = .direct; colour = .palette
            default:
                route = .rgba
            }
        } else {
            route = .rgba
        }
        if route == .rgba && bitsPerSample == 16 && pm == PHOTOMETRIC_PALETTE {
            throw FileError(path: path, reason: "unsupported layout: 16-bit palette")
        }
    }

    /// Refuses images larger than `maxPixels` before anything is allocated.
    func checkBudget(_ pixels: Int, maxPixels: Int, path: String, what: String) throws(FileError) {
        guard pixels <= maxPixels else {
            throw FileError(path: path, reason: "\(what) exceeds the limit of \(maxPixels) pixels")
        }
    }

    /// Plausible pixel size from the OME-XML description when present (Bio-Formats writes the
    /// scanner's calibration there), else from XResolution + ResolutionUnit, else from an Aperio
    /// SVS description's `MPP = ...` field (SVS files carry no resolution tags).
    static func pixelSize(_ handle: TIFFHandle) -> Double? {
        let description = handle.string(TIFFTAG_IMAGEDESCRIPTION)
        if let description, let ome = PixelSize.plausible(OMEMetadata.physicalSizeX(description)) { return ome }
        if let tags = PixelSize.plausible(resolutionTagSize(handle)) { return tags }
        return PixelSize.plausible(description.flatMap(AperioMetadata.micronsPerPixel))
    }

    /// µm per pixel from XResolution + ResolutionUnit (inch or centimetre).
    static func resolutionTagSize(_ handle: TIFFHandle) -> Double? {
        guard let resolution = handle.float(TIFFTAG_XRESOLUTION), resolution.isFinite, resolution > 0 else { return nil }
        let unit = Int32(handle.u16Defaulted(TIFFTAG_RESOLUTIONUNIT) ?? UInt16(RESUNIT_INCH))
        switch unit {
        case RESUNIT_INCH: return 25_400 / Double(resolution)
        case RESUNIT_CENTIMETER: return 10_000 / Double(resolution)
        default: return nil  // RESUNIT_NONE: an aspect ratio, not a size
        }
    }

    static func compressionName(_ c: Int) -> String {
        switch Int32(c) {
        case COMPRESSION_NONE: "none"
        case COMPRESSION_CCITTRLE: "ccitt-rle"
        case COMPRESSION_CCITTFAX3: "ccitt-fax3"
        case COMPRESSION_CCITTFAX4: "ccitt-fax4"
        case COMPRESSION_LZW: "lzw"
        case COMPRESSION_OJPEG: "old-jpeg"
        case COMPRESSION_JPEG: "jpeg"
        case COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE: "deflate"
        case COMPRESSION_PACKBITS: "packbits"
        case COMPRESSION_LZMA: "lzma"
        case COMPRESSION_ZSTD: "zstd"
        case COMPRESSION_WEBP: "webp"
        case COMPRESSION_JXL: "jpeg-xl"
        case 33003, 33005, 34712: "jpeg-2000"
        default: "code-\(c)"
        }
    }

    static func photometricName(_ p: Int) -> String {
        switch Int32(p) {
        case PHOTOMETRIC_MINISWHITE: "miniswhite"
        case PHOTOMETRIC_MINISBLACK: "minisblack"
        case PHOTOMETRIC_RGB: "rgb"
        case PHOTOMETRIC_PALETTE: "palette"
        case PHOTOMETRIC_MASK: "mask"
        case PHOTOMETRIC_SEPARATED: "separated"
        case PHOTOMETRIC_YCBCR: "ycbcr"
        case PHOTOMETRIC_CIELAB: "cielab"
        case PHOTOMETRIC_ICCLAB: "icclab"
        case PHOTOMETRIC_ITULAB: "itulab"
        case PHOTOMETRIC_LOGL: "logl"
        case PHOTOMETRIC_LOGLUV: "logluv"
        default: "code-\(p)"
        }
    }
}
