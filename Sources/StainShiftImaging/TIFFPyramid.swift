import CTIFF

/// The pyramid of a multi-page TIFF read through libtiff (an OME or plain pyramidal TIFF, or an
/// SVS when OpenSlide is not used): page 0 and the later tiled pages that are each smaller than
/// the level before with the same aspect ratio (within 1%), as pyramid writers store levels.
/// Thumbnails, labels and macros (strips, or another shape) are not levels. SubIFD pyramids
/// are not walked.
enum TIFFPyramid {
    /// Levels of the file behind `handle`, level 0 first; just page 0 when it is no pyramid.
    /// Leaves `handle` on page 0.
    static func levels(_ handle: TIFFHandle) -> [SlideLevel] { levelsAndPages(handle).levels }

    /// The levels and, per level, the directory (page) that holds it.
    static func levelsAndPages(_ handle: TIFFHandle) -> (levels: [SlideLevel], pages: [Int]) {
        guard TIFFSetDirectory(handle.tif, 0) != 0,
              let w0 = handle.u32(TIFFTAG_IMAGEWIDTH), let h0 = handle.u32(TIFFTAG_IMAGELENGTH), w0 > 0, h0 > 0 else { return ([], []) }
        var levels = [SlideLevel(width: Int(w0), height: Int(h0), downsample: 1)]
        var pages = [0]
        let aspect = Double(w0) / Double(h0)
        var page = 0
        while TIFFReadDirectory(handle.tif) != 0 {
            page += 1
            guard TIFFIsTiled(handle.tif) != 0, let w = handle.u32(TIFFTAG_IMAGEWIDTH),
                  let h = handle.u32(TIFFTAG_IMAGELENGTH), w > 0, h > 0 else { continue }
            let last = levels[levels.count - 1]
            guard Int(w) < last.width, abs(Double(w) / Double(h) / aspect - 1) < 0.01 else { continue }
            levels.append(SlideLevel(width: Int(w), height: Int(h), downsample: Double(w0) / Double(w)))
            pages.append(page)
        }
        _ = TIFFSetDirectory(handle.tif, 0)
        return (levels, pages)
    }
}
