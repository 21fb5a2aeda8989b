import StainShiftFoundation

/// The file error (`FileError`, in StainShiftFoundation) under the name the image readers and
/// writers throw it by.
public typealias ImagingError = FileError
