import Foundation

/// A problem with a marker name or a marker config file: one line naming the file and the problem.
public struct MarkerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// The markers a run knows: the built-ins, optionally overridden or extended by a JSON config file.
///
/// Config: `{"markers": [{"name": "pdl1", "thresholds": {"weak": 0.15, "moderate": 0.35, "strong": 0.55}}]}`
/// (or the bare array). An entry named like a built-in changes only the fields it gives; a new name
/// must give at least `primary` and `thresholds`. Keys: `name`, `display_name`, `primary`, `secondary`,
/// `thresholds`, `secondary_thresholds`, `pixel_thresholds`, `nuclear_stain`, `population`,
/// `hscore_compartment`, `formulas`, `membrane_top_fraction`, `membrane_cytoplasm_share`, `source`.
public struct MarkerSet: Sendable, Equatable {
    public private(set) var markers: [Marker]

    public init(_ markers: [Marker] = Marker.builtins) { self.markers = markers }

    public static let builtin = MarkerSet()

    /// The marker called `name` (case-insensitive), or nil.
    public subscript(name: String) -> Marker? {
        let key = name.lowercased()
        return markers.first { $0.name == key }
    }

    /// The marker called `name`, or an error listing the known names.
    public func marker(named name: String) throws(MarkerError) -> Marker {
        guard let m = self[name] else {
            throw MarkerError(path: "", reason: "unknown marker '\(name)' (known: \(markers.map(\.name).joined(separator: ", ")))")
        }
        return m
    }

    /// Built-ins with the overrides and additions of the config file at `path`.
    public static func load(_ path: String) throws(MarkerError) -> MarkerSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MarkerError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        return try parse(data, path: path)
    }

    /// Built-ins with the overrides of a config document (`path` only names it in errors).
    public static func parse(_ data: Data, path: String = "<config>") throws(MarkerError) -> MarkerSet {
        let entries: [MarkerConfig]
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            if let file = try? decoder.decode(MarkerConfigFile.self, from: data) {
                entries = file.markers
            } else {
                entries = try decoder.decode([MarkerConfig].self, from: data)
            }
        } catch {
            throw MarkerError(path: path, reason: "not a marker config: \(Self.describe(error))")
        }
        var set = MarkerSet.builtin
        for entry in entries {
            let marker = try entry.apply(to: set[entry.name], path: path)
            if let i = set.markers.firstIndex(where: { $0.name == marker.name }) {
                set.markers[i] = marker
            } else {
                set.markers.append(marker)
            }
        }
        return set
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c):
            c.codingPath.isEmpty ? "invalid JSON" : "invalid value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "\(error)"
        }
    }
}

struct MarkerConfigFile: Decodable {
    var markers: [MarkerConfig]
}

/// One marker entry of a config file: every field but `name` optional.
struct MarkerConfig: Decodable {
    var name: String
    var displayName: String?
    var primary: Compartment?
    var secondary: Compartment?
    var thresholds: IntensityThresholds?
    var secondaryThresholds: IntensityThresholds?
    var pixelThresholds: IntensityThresholds?
    var nuclearStain: Bool?
    var population: CellPopulation?
    var hscoreCompartment: Compartment?
    var formulas: [ScoreFormula]?
    var membraneTopFraction: Double?
    var membraneCytoplasmShare: Double?
    var source: String?

    func apply(to base: Marker?, path: String) throws(MarkerError) -> Marker {
        let key = name.lowercased()
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw MarkerError(path: path, reason: "marker name '\(name)' must be letters, digits, '_' or '-'")
        }
        var m: Marker
        if let base {
            m = base
        } else {
            guard let primary, let thresholds else {
                throw MarkerError(path: path, reason: "new marker '\(key)' needs 'primary' and 'thresholds'")
            }
            m = Marker(name: key, displayName: displayName ?? key, primary: primary, secondary: secondary,
                       thresholds: thresholds, pixelThresholds: pixelThresholds ?? thresholds,
                       nuclearStain: nuclearStain ?? (primary == .nucleus), source: source ?? "config file \(path)")
        }
        if let displayName { m.displayName = displayName }
        if let primary { m.primary = primary; if hscoreCompartment == nil, base == nil { m.hscoreCompartment = primary } }
        if let secondary { m.secondary = secondary }
        if let thresholds { m.thresholds = thresholds }
        if let secondaryThresholds { m.secondaryThresholds = secondaryThresholds }
        if let pixelThresholds { m.pixelThresholds = pixelThresholds }
        if let nuclearStain { m.nuclearStain = nuclearStain }
        if let population { m.population = population }
        if let hscoreCompartment { m.hscoreCompartment = hscoreCompartment }
        if let formulas { m.formulas = formulas }
        if let membraneTopFraction {
            guard membraneTopFraction > 0, membraneTopFraction <= 1 else {
                throw MarkerError(path: path, reason: "marker '\(key)': membrane_top_fraction must be in (0, 1]")
            }
            m.membraneTopFraction = membraneTopFraction
        }
        if let membraneCytoplasmShare {
            guard membraneCytoplasmShare >= 0, membraneCytoplasmShare < 1 else {
                throw MarkerError(path: path, reason: "marker '\(key)': membrane_cytoplasm_share must be in [0, 1)")
            }
            m.membraneCytoplasmShare = membraneCytoplasmShare
        }
        if let source { m.source = source } else if base != nil { m.source += "; overridden by \(path)" }
        for (label, t) in [("thresholds", m.thresholds), ("pixel_thresholds", m.pixelThresholds),
                           ("secondary_thresholds", m.effectiveSecondaryThresholds)] where !t.isValid {
            throw MarkerError(path: path, reason: "marker '\(key)': \(label) must be finite and increasing (weak < moderate < strong)")
        }
        if m.secondary == m.primary { m.secondary = nil }
        return m
    }
}
