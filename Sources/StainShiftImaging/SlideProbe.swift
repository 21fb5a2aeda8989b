import COpenSlide
import CTIFF
import Foundation
import StainShiftFoundation

/// Decides whether OpenSlide or StainShift's own TIFF/PNG readers should read a file: the one
/// place the sniff asks OpenSlide.
///
/// OpenSlide reads the vendor formats (`aperio`, `hamamatsu`, `mirax`, `leica`, `philips`,
/// `ventana`, `sakura`, `trestle`) and, as `generic-tiff`, any tiled TIFF; StainShift keeps
/// plain and OME-TIFFs on libtiff (its own decoders, `--page`, OME pixel sizes) and sends a
/// `generic-tiff` to OpenSlide only when it is a pyramid. The probe runs only for vendor
/// extensions and `.tif`/`.tiff` files that start like a TIFF, so PNGs and other tiles never
/// pay for it.
enum SlideProbe {
    /// Extensions of the vendor formats OpenSlide reads (some are TIFFs, some are not).
    static let vendorExtensions: Set<String> = ["svs", "svslide", "ndpi", "vms", "vmu", "mrxs", "scn", "bif"]
    /// TIFF extensions under which OpenSlide formats also appear (Philips, Ventana, Trestle, generic).
    static let tiffExtensions: Set<String> = ["tif", "tiff"]

    /// `.slide` when OpenSlide should read `path`, nil when the TIFF/PNG readers should. A
    /// vendor extension on a file that is neither recognised by OpenSlide nor a TIFF is an error.
    static func format(_ path: String, head: [UInt8]) throws(FileError) -> ImageFormat? {
        let ext = (path as NSString).pathExtension.lowercased()
        let isTIFF = head.starts(with: [0x49, 0x49]) || head.starts(with: [0x4D, 0x4D])
        let vendorExtension = vendorExtensions.contains(ext)
        guard vendorExtension || (isTIFF && tiffExtensions.contains(ext)) else { return nil }
        TIFFHandle.silenceGlobalHandlers()
        guard let detected = openslide_detect_vendor(path) else {
            if vendorExtension && !isTIFF {
                throw FileError(path: path, reason: "not a whole-slide image OpenSlide can read")
            }
            return nil  // a TIFF OpenSlide does not know (or cannot parse): libtiff explains
        }
        let vendor = String(cString: detected)
        if vendor == "generic-tiff" { return isPyramid(path) ? .slide : nil }
        return .slide
    }

    /// A compressed tiled TIFF whose next directory is a smaller tiled image marked reduced
    /// resolution (NewSubfileType bit 0: how OpenSlide's generic-tiff finds levels), and not an
    /// OME-TIFF (those keep libtiff, which reads their OME pixel size). Uncompressed tiles stay on
    /// libtiff too: OpenSlide 3.4.1 with libtiff 4.5 fails on them ("Invalid tile byte count").
    static func isPyramid(_ path: String) -> Bool {
        guard let handle = try? TIFFHandle.open(path), TIFFIsTiled(handle.tif) != 0,
              let width = handle.u32(TIFFTAG_IMAGEWIDTH),
              handle.u16Defaulted(TIFFTAG_COMPRESSION).map({ Int32($0) != COMPRESSION_NONE }) ?? false else { return false }
        if let description = handle.string(TIFFTAG_IMAGEDESCRIPTION), description.contains("<OME") { return false }
        guard TIFFReadDirectory(handle.tif) != 0, TIFFIsTiled(handle.tif) != 0,
              let next = handle.u32(TIFFTAG_IMAGEWIDTH),
              let subfile = handle.u32(TIFFTAG_SUBFILETYPE) else { return false }
        return next < width && subfile & UInt32(FILETYPE_REDUCEDIMAGE) != 0
    }
}
