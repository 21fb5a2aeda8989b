import Foundation
import StainShiftCells
import StainShiftFoundation

/// `--cells-geojson`: the counted cells as a GeoJSON FeatureCollection that QuPath imports as
/// cell objects (`QuPathTypeAdapters`): per cell a Feature with a deterministic UUID-like `id`,
/// the cell outline as `geometry` and the nucleus as `properties.nucleusGeometry` (Polygon, or
/// MultiPolygon when a label is split; never GeometryCollection, which RFC 7946 readers reject),
/// `objectType` `cell`, a classification such as `Tumor: 2+` or `Immune cells: Negative`, and
/// `measurements` under the `--cells` table's QuPath-style names.
///
/// The cells written are those `cells.total` counts (`Marker.scoredCells`): tumour cells for
/// markers scored on tumour cells (PD-L1, HLA-I, CRT, HMGB1), every cell for `population: all`
/// (Ki67). Coordinates are image (level-0) pixels, origin top-left, vertices on pixel corners.
/// One Feature per line, so large files stream and diff well.
public enum CellGeoJSON {
    /// The document for `cells`, `calls` and `outlines` (paired by index); `image` seeds the ids.
    public static func render(cells: [Cell], calls: [CellCall], outlines: [CellOutline], marker: Marker,
                              pixelSizeMicrons px: Double, image: String) -> String {
        var s = "{\"type\":\"FeatureCollection\",\"features\":["
        var first = true
        for k in cells.indices where k < calls.count && k < outlines.count && counted(cells[k], marker: marker) {
            s += (first ? "\n" : ",\n") + feature(cells[k], call: calls[k], outline: outlines[k], marker: marker,
                                                  pixelSizeMicrons: px, id: uuid(image: image, index: k)).compact()
            first = false
        }
        return s + "\n]}\n"
    }

    /// Whether `cells.total` counts this cell for `marker`.
    public static func counted(_ cell: Cell, marker: Marker) -> Bool {
        marker.population == .all || cell.cellClass == .tumour
    }

    /// QuPath's class for a cell: its class name (`Tumor`, `Immune cells`, or the classifier's),
    /// then for tumour and immune cells the bin (`Negative`, `1+`, `2+`, `3+`): `Tumor: 2+`,
    /// `Immune cells: Negative`, `Stroma`.
    public static func className(_ call: CellCall) -> String {
        let name = call.className.isEmpty ? call.cellClass.defaultName : call.className
        switch call.cellClass {
        case .tumour, .lymphocyte: return name + ": " + (call.bin == .negative ? "Negative" : call.bin.rawValue)
        case .stroma, .other: return name
        }
    }

    static func feature(_ cell: Cell, call: CellCall, outline: CellOutline, marker: Marker,
                        pixelSizeMicrons px: Double, id: String) -> JSONText {
        .object([
            ("type", .string("Feature")),
            ("id", .string(id)),
            ("geometry", geometry(outline.cell)),
            ("properties", .object([
                ("objectType", .string("cell")),
                ("classification", .object([("name", .string(className(call)))])),
                ("nucleusGeometry", geometry(outline.nucleus)),
                ("measurements", .object(measurements(cell, call: call, marker: marker, pixelSizeMicrons: px))),
            ])),
        ])
    }

    /// A Polygon for one ring, a MultiPolygon for several, each ring `[[x, y], ...]`.
    static func geometry(_ rings: [[OutlinePoint]]) -> JSONText {
        func ring(_ r: [OutlinePoint]) -> JSONText { .array(r.map { .array([.int($0.x), .int($0.y)]) }) }
        if rings.count == 1 { return .object([("type", .string("Polygon")), ("coordinates", .array([ring(rings[0])]))]) }
        return .object([("type", .string("MultiPolygon")), ("coordinates", .array(rings.map { .array([ring($0)]) }))])
    }

    /// The `--cells` table's measurements (`CellTable.columns`) as numbers; a compartment without
    /// pixels is left out (QuPath reads a missing measurement as NaN; JSON has no NaN).
    static func measurements(_ cell: Cell, call: CellCall, marker: Marker, pixelSizeMicrons px: Double) -> [(String, JSONText)] {
        var m: [(String, JSONText)] = [
            ("Centroid X µm", .number(cell.centroidX * px)), ("Centroid Y µm", .number(cell.centroidY * px)),
            ("Nucleus: Area µm^2", .number(Double(cell.nucleusAreaPixels) * px * px)),
            ("Cell: Area µm^2", .number(Double(cell.cellAreaPixels) * px * px)),
            ("Nucleus: Circularity", .number(cell.nucleusCircularity)),
        ]
        for (k, name) in CellTable.compartments.enumerated() {
            let c = CellTable.stats(cell, compartment: k)
            guard c.pixelCount > 0 else { continue }
            m += [("\(name): Hematoxylin OD mean", .number(Double(c.hematoxylinMean))),
                  ("\(name): Hematoxylin OD max", .number(Double(c.hematoxylinMax))),
                  ("\(name): DAB OD mean", .number(Double(c.dabMean))),
                  ("\(name): DAB OD max", .number(Double(c.dabMax)))]
        }
        m.append(("Scored DAB OD", .number(call.primaryOD)))
        if let s = call.secondaryOD { m.append(("Secondary DAB OD", .number(s))) }
        return m.filter { if case .number(let v) = $0.1 { v.isFinite } else { true } }
    }

    /// A UUID-shaped id from the image name and the cell's index (FNV-1a, version nibble 4):
    /// the same run always writes the same ids.
    static func uuid(image: String, index: Int) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for b in image.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            for b in withUnsafeBytes(of: UInt64(index).littleEndian, Array.init) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return h
        }
        let a = fnv(1), b = fnv(2)
        let hex = String(format: "%016llx%016llx", a, b)
        var chars = Array(hex)
        chars[12] = "4"
        chars[16] = ["8", "9", "a", "b"][Int(b >> 62)]
        let s = String(chars)
        func part(_ from: Int, _ to: Int) -> Substring { s.dropFirst(from).prefix(to - from) }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }
}
