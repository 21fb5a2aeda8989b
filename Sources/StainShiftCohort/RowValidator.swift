import Foundation

/// Checks manifest rows one by one, keeping the good ones and turning each bad one into a
/// `FailureRecord` that names its line and problem.
struct RowValidator {
    let folder: String
    let knownMarkers: Set<String>
    let checkFiles: Bool
    private(set) var rows: [ManifestRow] = []
    private(set) var failures: [FailureRecord] = []
    private(set) var outcomes: [String: Int] = [:]
    private(set) var patients: Set<String> = []
    /// First line of each (patient, timepoint, marker, slide, image).
    private var seen: [String: Int] = [:]
    /// Owner of each slide id: the first row that used it.
    private var slideOwner: [String: ManifestRow] = [:]
    private var outcomeLine: [String: Int] = [:]

    init(folder: String, knownMarkers: Set<String>, checkFiles: Bool) {
        self.folder = folder; self.knownMarkers = knownMarkers; self.checkFiles = checkFiles
    }

    mutating func add(fields: [String], line: Int, column: [String: Int], headerCount: Int) {
        func value(_ name: String) -> String {
            guard let i = column[name], i < fields.count else { return "" }
            return fields[i]
        }
        let image = value("image")
        func fail(_ problem: String) {
            failures.append(FailureRecord(line: line, image: image, stage: "manifest", error: "line \(line): \(problem)"))
        }
        let patient = value("patient")
        if !patient.isEmpty { patients.insert(patient) }
        if fields.count < headerCount {
            return fail("has \(fields.count) fields, the header has \(headerCount)")
        }
        for name in Manifest.requiredColumns where value(name).isEmpty {
            return fail("empty \(name)")
        }
        guard let timepoint = Timepoint(rawValue: value("timepoint").lowercased()) else {
            return fail("unknown timepoint '\(value("timepoint"))' (expected pre or post)")
        }
        let marker = value("marker").lowercased()
        guard knownMarkers.contains(marker) else {
            return fail("unknown marker '\(value("marker"))' (known: \(knownMarkers.sorted().joined(separator: ", ")))")
        }
        var pixelSize: Double?
        let pixelText = value("pixel_size")
        if !pixelText.isEmpty {
            guard let p = Double(pixelText), p.isFinite, p > 0 else {
                return fail("bad pixel_size '\(pixelText)' (expected a positive number of µm per pixel)")
            }
            pixelSize = p
        }
        var outcome: Int?
        let outcomeText = value("outcome")
        if !outcomeText.isEmpty {
            guard let o = Self.parseOutcome(outcomeText) else {
                return fail("bad outcome '\(outcomeText)' (expected 1/0, yes/no, true/false, responder/non_responder)")
            }
            outcome = o
        }
        let regionsText = value("regions"), regionClass = value("region_class")
        if regionsText.isEmpty && !regionClass.isEmpty { return fail("region_class '\(regionClass)' needs a regions file") }
        let regionsPath = regionsText.isEmpty ? nil : resolve(regionsText)
        let classifierText = value("cell_classifier")
        let classifier = classifierText.isEmpty ? nil
            : Manifest.namedCellClassifiers.contains(classifierText.lowercased()) ? classifierText.lowercased() : resolve(classifierText)
        let stainsText = value("stains")
        let slideText = value("slide")
        let slide = slideText.isEmpty ? "\(patient)_\(timepoint.rawValue)_\(marker)" : slideText
        let path = resolve(image)

        let key = [patient, timepoint.rawValue, marker, slide, image].joined(separator: "\u{1F}")
        if let first = seen[key] { return fail("duplicate of line \(first)") }
        if let owner = slideOwner[slide] {
            if owner.patient != patient || owner.timepoint != timepoint || owner.marker != marker {
                return fail("slide '\(slide)' already belongs to \(owner.patient)/\(owner.timepoint.rawValue)/\(owner.marker) (line \(owner.line))")
            }
            if owner.pixelSize != pixelSize {
                return fail("pixel_size differs from line \(owner.line) of the same slide '\(slide)'")
            }
            if (owner.stains ?? "") != stainsText {
                return fail("stains differ from line \(owner.line) of the same slide '\(slide)'")
            }
            if owner.cellClassifier != classifier {
                return fail("cell_classifier differs from line \(owner.line) of the same slide '\(slide)'")
            }
        }
        if let outcome, let known = outcomes[patient], known != outcome {
            return fail("outcome \(outcome) contradicts line \(outcomeLine[patient] ?? 0) for patient '\(patient)'")
        }
        if checkFiles {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                return fail("image '\(image)' not found (looked for \(path))")
            }
            if isDirectory.boolValue { return fail("image '\(image)' is a directory") }
            if !FileManager.default.isReadableFile(atPath: path) { return fail("image '\(image)' cannot be read") }
            if let regionsPath, !FileManager.default.isReadableFile(atPath: regionsPath) {
                return fail("regions '\(regionsText)' not found or unreadable (looked for \(regionsPath))")
            }
            if let classifier, !Manifest.namedCellClassifiers.contains(classifier), !FileManager.default.isReadableFile(atPath: classifier) {
                return fail("cell_classifier '\(classifierText)' not found or unreadable (looked for \(classifier))")
            }
        }
        let row = ManifestRow(line: line, patient: patient, timepoint: timepoint, marker: marker, image: image,
                              path: path, slide: slide, pixelSize: pixelSize,
                              stains: stainsText.isEmpty ? nil : stainsText, outcome: outcome,
                              regions: regionsPath, regionClass: regionClass.isEmpty ? nil : regionClass,
                              cellClassifier: classifier)
        seen[key] = line
        if slideOwner[slide] == nil { slideOwner[slide] = row }
        if let outcome, outcomes[patient] == nil { outcomes[patient] = outcome; outcomeLine[patient] = line }
        rows.append(row)
    }

    /// A manifest path resolved against the manifest's folder.
    func resolve(_ file: String) -> String {
        file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardized.path
    }

    /// 1 responder / 0 non-responder from common spellings.
    static func parseOutcome(_ text: String) -> Int? {
        switch text.lowercased() {
        case "1", "yes", "true", "responder", "response", "r", "benefit": 1
        case "0", "no", "false", "non_responder", "nonresponder", "non-responder", "nr", "no_benefit": 0
        default: nil
        }
    }
}
