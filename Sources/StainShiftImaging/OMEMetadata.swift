/// The little of OME-XML (Open Microscopy Environment, schema 2016-06) StainShift needs: the
/// physical pixel size Bio-Formats writes into a TIFF's ImageDescription.
enum OMEMetadata {
    /// `PhysicalSizeX` of the first `Pixels` element, converted to µm using `PhysicalSizeXUnit`
    /// (µm when absent, as the schema defaults). Nil when absent, unparsable or non-positive.
    static func physicalSizeX(_ xml: String) -> Double? {
        guard xml.contains("<OME"), let pixels = xml.range(of: "<Pixels") else { return nil }
        let tail = xml[pixels.upperBound...]
        let element = tail.prefix { $0 != ">" }
        guard let text = attribute("PhysicalSizeX", in: element), let value = Double(text),
              value.isFinite, value > 0 else { return nil }
        let unit = attribute("PhysicalSizeXUnit", in: element) ?? "µm"
        guard let scale = micronsPer(unit) else { return nil }
        return value * scale
    }

    /// The value of ` name="..."` inside one element's text.
    static func attribute(_ name: String, in element: Substring) -> String? {
        guard let start = element.range(of: " \(name)=\"") else { return nil }
        let rest = element[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Micrometres in one `unit` of the OME UnitsLength enumeration (the common ones).
    static func micronsPer(_ unit: String) -> Double? {
        switch unit {
        case "µm", "μm", "um", "micron", "microns": 1
        case "nm": 1e-3
        case "Å": 1e-4
        case "pm": 1e-6
        case "mm": 1e3
        case "cm": 1e4
        case "m": 1e6
        case "in", "inch": 25_400
        default: nil
        }
    }
}
