import StainShiftFoundation

/// The file error (`FileError`, in StainShiftFoundation) under the name `ReportDocument` throws it
/// by; new code names `FileError`.
public typealias ReportError = FileError
