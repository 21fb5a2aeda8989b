import StainShiftFoundation

/// The old name of `FileError` (StainShiftFoundation). Nothing in this package names it any more but
/// `Sources/StainShiftPipeline/TiledTissue.swift`, which another branch owns this session: delete this
/// file once that file says `FileError`.
@available(*, deprecated, renamed: "FileError")
public typealias ImagingError = FileError
