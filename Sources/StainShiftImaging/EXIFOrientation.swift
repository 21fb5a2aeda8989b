/// The EXIF Orientation of a JPEG file: tag 0x0112 in IFD0 of the first APP1 "Exif" segment
/// (EXIF 2.32 / CIPA DC-008, section 4.5.4; the values are TIFF 6.0's Orientation, 1...8).
/// Phone and camera JPEGs are stored as the sensor read them and carry this tag instead of
/// rotated pixels; StainShift returns pixels as displayed, so the reader applies it.
///
/// Parsed in Swift from the raw bytes, every offset bounds-checked: libjpeg only hands APP
/// segments back on request, and the walk stops at the first scan (SOS), so it reads the
/// header alone.
enum EXIFOrientation {
    /// 1...8 from the first EXIF segment, or 1 (as stored) when there is none or it is unreadable.
    static func inJPEG(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return 1 }
        var position = 2
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { return 1 }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte before a marker
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { position += 2; continue }  // no length
            if marker == 0xDA || marker == 0xD9 { return 1 }  // scan data or end of image: no EXIF before it
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2, position + 2 + length <= bytes.count else { return 1 }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 2 + length)])
            if marker == 0xE1, payload.count > 14, payload.starts(with: Array("Exif\0\0".utf8)) {
                return inTIFF(UnsafeRawBufferPointer(rebasing: payload[6...]))
            }
            position += 2 + length
        }
        return 1
    }

    /// The Orientation entry of IFD0 of the TIFF structure that follows "Exif\0\0".
    static func inTIFF(_ tiff: UnsafeRawBufferPointer) -> Int {
        guard tiff.count >= 8 else { return 1 }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return 1
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return 1 }
        for entry in 0..<count {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at), let type = u16(at + 2) else { return 1 }
            guard tag == 0x0112 else { continue }
            // SHORT (3), count 1, the value left-justified in the 4-byte value field.
            guard type == 3, let value = u16(at + 8), (1...8).contains(value) else { return 1 }
            return value
        }
        return 1
    }
}
