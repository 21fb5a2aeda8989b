import ArgumentParser
import Foundation
import StainShift

/// `stainshift report OUTDIR`: re-renders report.html and the MultiQC files from the
/// report.json of an earlier run, without re-scoring any image.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-render report.html and the MultiQC files of a run from its report.json.",
        discussion: Help.discussion(
            "Reads OUTDIR/report.json (written by `stainshift run`), leaves it unchanged, and rewrites "
                + "OUTDIR/report.html, OUTDIR/stainshift_mqc.tsv and OUTDIR/stainshift_mqc.json. "
                + "Overlay thumbnails are taken from OUTDIR/overlays when present. --templates DIR lays the page out "
                + "with the Mustache templates in DIR instead of the built-in ones of the same name (docs/REPORT-TEMPLATES.md).",
            examples: [
                "stainshift report results/",
                "stainshift report results/ --title \"OS-2 cohort\" --tps-band 5",
                "stainshift report results/ --templates lab-templates/",
            ]))

    @Argument(help: "Output folder of `stainshift run`.") var outdir: String
    @Option(help: "Title of the HTML report.") var title: String?
    @Flag(help: "Do not embed overlay thumbnails.") var noThumbnails = false
    @Option(help: "Half-width in TPS points of the band on the waterfall plot (display only).") var tpsBand: Double?
    @Option(help: "Folder of Mustache templates replacing the built-in ones of the same name (docs/REPORT-TEMPLATES.md).")
    var templates: String?

    func validate() throws {
        if let tpsBand, !(tpsBand.isFinite && tpsBand >= 0) {
            throw ValidationError("--tps-band must be a number >= 0")
        }
    }

    func run() throws {
        try failing("report") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: outdir, isDirectory: &isDirectory) else {
                throw CommandFailure(command: "report", detail: "\(outdir): no such directory")
            }
            guard isDirectory.boolValue else {
                throw CommandFailure(command: "report", detail: "\(outdir): not a directory")
            }
            let result = try ReportWriter.load(jsonAt: URL(fileURLWithPath: outdir)
                .appendingPathComponent(ReportWriter.jsonFileName).path)
            var options = ReportOptions()
            if let templates {
                do {
                    options.templates = try ReportTemplates(directory: templates)
                } catch {
                    throw CommandFailure(command: "report", detail: "\(error)", code: 64)
                }
            }
            if let title { options.title = title }
            if let tpsBand { options.tpsBand = tpsBand }
            options.includeThumbnails = !noThumbnails
            try ReportWriter.render(result, to: outdir, options: options)
        }
    }
}
