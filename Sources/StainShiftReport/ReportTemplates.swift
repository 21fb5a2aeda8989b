import Foundation
import Mustache
import StainShiftFoundation

/// The Mustache templates report.html is laid out with: the built-in set compiled into the
/// binary (`Templates/*.mustache`, embedded by SwiftPM), with any template of a lab's folder
/// replacing the built-in one of the same name. docs/REPORT-TEMPLATES.md lists the names and
/// the values each receives.
public struct ReportTemplates: Sendable, Equatable {
    /// Built-in templates by name (file name without `.mustache`); `report` is the page.
    static let builtInSources: [String: [UInt8]] = [
        "report": PackageResources.report_mustache,
        "style": PackageResources.style_mustache,
        "header": PackageResources.header_mustache,
        "ruo": PackageResources.ruo_mustache,
        "summary": PackageResources.summary_mustache,
        "waterfall": PackageResources.waterfall_mustache,
        "paired": PackageResources.paired_mustache,
        "overview": PackageResources.overview_mustache,
        "failures": PackageResources.failures_mustache,
        "patient": PackageResources.patient_mustache,
        "patient-call": PackageResources.patient_call_mustache,
        "patient-scores": PackageResources.patient_scores_mustache,
        "patient-slides": PackageResources.patient_slides_mustache,
        "patient-qc": PackageResources.patient_qc_mustache,
        "patient-thumbnails": PackageResources.patient_thumbnails_mustache,
        "patient-slide-maps": PackageResources.patient_slide_maps_mustache,
        "methods": PackageResources.methods_mustache,
        "footer": PackageResources.footer_mustache,
        "badge": PackageResources.badge_mustache,
        "flags": PackageResources.flags_mustache,
        "swatch": PackageResources.swatch_mustache,
        "kv-table": PackageResources.kv_table_mustache,
    ]

    /// Names of the built-in templates, sorted.
    public static var names: [String] { builtInSources.keys.sorted() }

    /// The page template every other template is reached from.
    static let page = "report"
    static let fileExtension = "mustache"

    /// The templates compiled into stainshift.
    public static let builtIn: ReportTemplates = {
        let sources = builtInSources.mapValues { String(decoding: $0, as: UTF8.self) }
        do {
            return try ReportTemplates(sources: sources, files: [:], directory: nil)
        } catch {
            // Built-in templates are part of the program; ReportTemplatesTests parses every one.
            fatalError("built-in report template does not parse: \(error)")
        }
    }()

    /// Folder the lab's templates came from; nil for the built-in set.
    public let directory: String?
    /// Names (without `.mustache`) taken from `directory` rather than built in, sorted.
    public let overridden: [String]
    private let sources: [String: String]
    let library: MustacheLibrary

    /// The built-in templates, with every `NAME.mustache` of `directory` in place of the built-in
    /// `NAME` (or added as a new partial). Throws, naming the file, when the folder cannot be
    /// read or a template does not parse.
    public init(directory: String) throws(FileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw FileError(path: directory, reason: "no such templates folder")
        }
        guard isDirectory.boolValue else { throw FileError(path: directory, reason: "not a folder (--templates takes a folder of .mustache files)") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FileError(path: directory, reason: "cannot list the templates folder: \(error.localizedDescription)")
        }
        var sources = Self.builtInSources.mapValues { String(decoding: $0, as: UTF8.self) }
        var files: [String: String] = [:]
        for file in names.sorted() where file.hasSuffix("." + Self.fileExtension) && !file.hasPrefix(".") {
            let name = String(file.dropLast(Self.fileExtension.count + 1))
            let path = ReportWriter.path(directory, file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FileError(path: path, reason: "cannot read the template")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw FileError(path: path, reason: "the template is not UTF-8 text")
            }
            sources[name] = text
            files[name] = path
        }
        try self.init(sources: sources, files: files, directory: directory)
    }

    private init(sources: [String: String], files: [String: String], directory: String?) throws(FileError) {
        var library = MustacheLibrary()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(text, named: name)
            } catch {
                throw FileError(path: files[name] ?? "built-in template \(name).\(Self.fileExtension)",
                                  reason: Self.describe(error))
            }
        }
        self.sources = sources
        self.library = library
        self.directory = directory
        self.overridden = files.keys.sorted()
    }

    public static func == (a: ReportTemplates, b: ReportTemplates) -> Bool {
        a.directory == b.directory && a.sources == b.sources
    }

    /// The page laid out by the `report` template.
    func render(_ page: ReportPage) -> String {
        library.render(page, withTemplate: Self.page) ?? ""
    }

    /// `line 3, column 7: section "cards" is not closed`.
    static func describe(_ error: any Error) -> String {
        guard let parse = error as? MustacheTemplate.ParserError else { return "cannot parse: \(error)" }
        let what: String = switch parse.error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with another section's name"
        case .unfinishedName?: "a tag is not finished (missing }})"
        case .expectedSectionEnd?: "a section is not closed ({{/NAME}} missing)"
        case .invalidSetDelimiter?: "invalid set-delimiter tag"
        default: "\(parse.error)" == "overflow" ? "the template ends inside a tag" : "\(parse.error)"
        }
        let line = parse.context.line.trimmingCharacters(in: .whitespaces)
        return "line \(parse.context.lineNumber), column \(parse.context.columnNumber): \(what)"
            + (line.isEmpty ? "" : " (in: \(line.prefix(80)))")
    }
}
