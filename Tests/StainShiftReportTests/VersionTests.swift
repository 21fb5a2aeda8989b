import Foundation
import StainShiftImaging
import StainShiftPipeline
import Testing

/// The version a report records is StainShift's own, and the image libraries are recorded with
/// versions of the shape each library reports.
@Suite struct ReportVersionTests {
    static func matches(_ text: String?, _ pattern: String) -> Bool {
        text.map { $0.range(of: pattern, options: .regularExpression) != nil } ?? false
    }

    @Test func versionIsMajorMinorPatch() {
        #expect(Self.matches(StainShiftVersion.current, #"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"#))
        #expect(StainShiftVersion.scoringRevision >= 1)
    }

    @Test func libraryVersionsHaveTheirLibrariesShape() {
        let versions = LibraryVersions.dictionary
        #expect(LibraryVersions.all.map(\.name) == ["libtiff", "libpng", "libjpeg"])
        #expect(Self.matches(versions["libtiff"], #"^LIBTIFF, Version 4\.[0-9]+\.[0-9]+$"#), "\(versions)")
        #expect(Self.matches(versions["libpng"], #"^1\.[0-9]+\.[0-9]+$"#), "\(versions)")
        #expect(Self.matches(versions["libjpeg"], #"^(libjpeg-turbo [0-9]+\.[0-9]+\.[0-9]+ \()?libjpeg API [0-9]+\)?$"#), "\(versions)")
    }

    @Test func reportRecordsTheVersionAndTheLibraries() throws {
        let dir = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifest = try ReportPipelineTests.cohort(in: dir)
        var settings = CohortSettings(); settings.resamples = 20
        let result = try CohortPipeline.run(manifestPath: manifest, outdir: dir + "/out", engine: ReportPipelineTests.engine,
                                            batch: BatchOptions(threads: 1), cohort: settings)
        #expect(result.provenance.version == StainShiftVersion.current)
        #expect(result.provenance.libraries == LibraryVersions.dictionary)

        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/report.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["generator"] as? String == "stainshift \(StainShiftVersion.current)")
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["version"] as? String == StainShiftVersion.current)
        let libraries = try #require(provenance["libraries"] as? [String: String])
        #expect(libraries == LibraryVersions.dictionary)
        #expect(Self.matches(libraries["libtiff"], #"^LIBTIFF, Version 4\."#))

        let html = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
        for (name, version) in LibraryVersions.all {
            #expect(html.contains("<th scope=\"row\">Image library \(name)</th><td>\(version)</td>"), "\(name)")
        }
    }
}
