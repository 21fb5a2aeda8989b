import Foundation
import StainShiftClassify
import StainShiftCohort
import StainShiftFoundation

/// `report.json`: the whole `CohortResult` plus what a machine needs to read it without this
/// code: `schema_version`, units, a summary and the research-use-only statement.
///
/// Keys are snake_case and sorted; numbers are the shortest text that reads back to the same
/// double, non-finite numbers are the strings `NaN`, `Infinity`, `-Infinity`. The same result
/// gives the same bytes, and `load` gives back an equal result.
enum ReportDocument {
    /// Bumped when a key is renamed or removed, or a value changes meaning; adding keys does not.
    static let schemaVersion = 1

    static func encode(_ result: CohortResult) throws(FileError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let names = KeyCache(KeyCase.snake)
        encoder.keyEncodingStrategy = .custom { path in
            guard let key = path.last else { return SnakeKey("") }
            return isVerbatim(path) ? key : SnakeKey(names[key.stringValue])
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            let data = try encoder.encode(Written(result))
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw FileError(path: "report.json", reason: "cannot encode the result: \(describe(error))")
        }
    }

    static func decode(_ data: Data, path: String) throws(FileError) -> CohortResult {
        let decoder = JSONDecoder()
        let names = KeyCache(KeyCase.camel)
        decoder.keyDecodingStrategy = .custom { path in
            guard let key = path.last else { return SnakeKey("") }
            return isVerbatim(path) ? key : SnakeKey(names[key.stringValue])
        }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw FileError(path: path, reason: "not a StainShift report.json: \(describe(error))")
        }
        guard let version = header.schemaVersion else {
            throw FileError(path: path, reason: "not a StainShift report.json: no schema_version")
        }
        guard version <= schemaVersion else {
            throw FileError(path: path, reason: "schema_version \(version) is newer than this stainshift reads (\(schemaVersion)); update stainshift")
        }
        do {
            let read = try decoder.decode(Read.self, from: data)
            return CohortResult(tiles: read.tiles, slides: read.slides, changes: read.changes, calls: read.calls,
                                failures: read.failures, provenance: read.provenance)
        } catch {
            throw FileError(path: path, reason: "invalid report.json: \(describe(error))")
        }
    }

    /// Keys of free-form dictionaries (run settings, units, counts) are written as given.
    private static func isVerbatim(_ path: [any CodingKey]) -> Bool {
        guard path.count >= 2 else { return false }
        let parent = path[path.count - 2].stringValue
        return ["settings", "units", "groups", "benefits"].contains(parent)
    }

    /// One line: what is wrong and where (`tiles[3].sha256: missing`).
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else {
                    text += (text.isEmpty ? "" : ".") + KeyCase.snake(key.stringValue)
                }
            }
            return text.isEmpty ? "top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(at(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(at(context.codingPath)): \(detail ?? context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private struct Header: Decodable { var schemaVersion: Int? }

    private struct Read: Decodable {
        var provenance: Provenance
        var tiles: [TileRecord]
        var slides: [SlideRecord]
        var changes: [ChangeRecord]
        var calls: [PatientCall]
        var failures: [FailureRecord]
    }

    /// What is written: the result, with derived values (`delta`, `relative_change`, summary)
    /// that readers would otherwise recompute; `load` ignores them.
    private struct Written: Encodable {
        var schemaVersion = ReportDocument.schemaVersion
        var generator: String
        var researchUseOnly = ReportWriter.researchUseOnly
        var units: [String: String]
        var summary: Summary
        var provenance: Provenance
        var tiles: [TileRecord]
        var slides: [SlideRecord]
        var changes: [Change]
        var calls: [PatientCall]
        var failures: [FailureRecord]

        init(_ result: CohortResult) {
            generator = "stainshift \(result.provenance.version)"
            units = ReportDocument.units(metrics: result.changes.map(\.metric) + result.slides.flatMap { $0.scores.map(\.name) })
            summary = Summary(result)
            provenance = result.provenance
            tiles = result.tiles
            slides = result.slides
            changes = result.changes.map(Change.init)
            calls = result.calls
            failures = result.failures
        }
    }

    /// A change row with its delta and relative change spelled out.
    private struct Change: Encodable {
        var record: ChangeRecord
        private enum Keys: String, CodingKey { case delta, relativeChange }

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(record.delta, forKey: .delta)
            try container.encodeIfPresent(record.relativeChange, forKey: .relativeChange)
        }
    }

    private struct Summary: Encodable {
        var patients: Int
        var markers: [String]
        var tiles: Int
        var slides: Int
        var failures: Int
        var groups: [String: Int]
        var benefits: [String: Int]

        init(_ result: CohortResult) {
            let view = CohortView(result, options: ReportOptions())
            patients = view.patients.count
            markers = view.markers
            tiles = result.tiles.count
            slides = result.slides.count
            failures = result.failures.count
            groups = Dictionary(uniqueKeysWithValues: view.groupCounts().map { ($0.0.rawValue, $0.1) })
            benefits = Dictionary(uniqueKeysWithValues: view.benefitCounts().map { ($0.0.rawValue, $0.1) })
        }
    }

    /// Units of every numeric field, and of each score present in the run (`metric.<name>`).
    static func units(metrics: [String]) -> [String: String] {
        var units: [String: String] = [
            "delta": "post - pre, in the unit of the metric (percentage points for percentages)",
            "relative_change": "(post - pre) / pre as a fraction; absent when pre is 0",
            "ci_low": "lower limit of the 95% bootstrap interval of delta (tiles resampled within each slide), unit of the metric",
            "ci_high": "upper limit of the 95% bootstrap interval of delta (tiles resampled within each slide), unit of the metric",
            "pre": "slide score before radiotherapy, unit of the metric",
            "post": "slide score after radiotherapy, unit of the metric",
            "tps_pre": "PD-L1 tumour proportion score before radiotherapy, % (0-100)",
            "tps_post": "PD-L1 tumour proportion score after radiotherapy, % (0-100)",
            "probability": "model probability of benefit, 0-1",
            "negative": "count of cells (of tissue pixels in totals.pixels) below the 1+ threshold",
            "weak": "count at 1+", "moderate": "count at 2+", "strong": "count at 3+",
            "image_pixels": "pixels", "tissue_pixels": "pixels",
            "primary_dab_sum": "sum over tumour cells of mean DAB optical density in the primary compartment (base-10 OD)",
            "secondary_dab_sum": "sum over tumour cells of mean DAB optical density in the secondary compartment (base-10 OD)",
            "pixel_dab_sum": "sum of DAB optical density over tissue pixels (base-10 OD)",
            "pixel_size_microns": "micrometres per pixel",
            "sha256": "SHA-256 of the image file, lower-case hex",
            "date": "ISO 8601, UTC",
            "line": "manifest line, 1-based, header is line 1",
        ]
        for metric in Set(metrics) { units["metric." + metric] = MetricInfo.unit(metric) }
        return units
    }
}

/// Memoised key conversion: a report has a few dozen distinct keys but millions of uses.
final class KeyCache: @unchecked Sendable {
    private let convert: (String) -> String
    private var cache: [String: String] = [:]
    private let lock = NSLock()

    init(_ convert: @escaping (String) -> String) { self.convert = convert }

    subscript(_ name: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let known = cache[name] { return known }
        let converted = convert(name)
        cache[name] = converted
        return converted
    }
}

/// A plain coding key.
struct SnakeKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// Swift property names <-> report.json keys. `primaryDABSum` <-> `primary_dab_sum`;
/// words listed in `acronyms` come back upper-case.
enum KeyCase {
    static let acronyms: [String: String] = ["dab": "DAB", "od": "OD", "ci": "CI"]

    static func snake(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    out += "_"
                }
            }
            out += c.lowercased()
        }
        return out
    }

    static func camel(_ key: String) -> String {
        let words = key.split(separator: "_", omittingEmptySubsequences: false)
        guard let first = words.first else { return key }
        var out = String(first)
        for word in words.dropFirst() {
            let w = String(word)
            out += acronyms[w] ?? (w.prefix(1).uppercased() + w.dropFirst())
        }
        return out
    }
}
