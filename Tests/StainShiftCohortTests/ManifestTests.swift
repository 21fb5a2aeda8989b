import Foundation
import Testing
@testable import StainShiftCohort
import StainShiftTestSupport


@Suite struct ManifestTests {
    @Test func goodCSVRowsResolveRelativeToTheManifestFolder() throws {
        let s = try Scratch(files: ["tiles/a.png", "tiles/b.png"])
        let m = try Manifest.load(try s.write("m.csv", "patient,timepoint,marker,image\nP1,pre,PDL1,tiles/a.png\nP1,post,pdl1,\"tiles/b.png\"\n"),
                                  knownMarkers: markers)
        #expect(m.failures.isEmpty)
        #expect(m.rows.map(\.path) == [s.path("tiles/a.png"), s.path("tiles/b.png")])
        #expect(m.rows.map(\.slide) == ["P1_pre_pdl1", "P1_post_pdl1"])
        #expect(m.rows.map(\.line) == [2, 3])
        #expect(m.slides.count == 2)
    }

    @Test func tsvIsSniffedFromTheHeaderWhenTheExtensionSaysNothing() throws {
        let s = try Scratch(files: ["a,1.png"])
        let m = try Manifest.load(try s.write("m.txt", "patient\ttimepoint\tmarker\timage\tslide\tpixel_size\nP1\tpre\tcrt\ta,1.png\tS1\t0.5\n"),
                                  knownMarkers: markers)
        #expect(m.failures.isEmpty)
        #expect(m.rows.first?.slide == "S1")
        #expect(m.rows.first?.pixelSize == 0.5)
    }

    @Test func missingRequiredColumnIsAUsageError() throws {
        let s = try Scratch()
        let path = try s.write("m.csv", "patient,timepoint,image\nP1,pre,a.png\n")
        #expect(throws: ManifestError.self) { try Manifest.load(path, knownMarkers: markers) }
        do { _ = try Manifest.load(path, knownMarkers: markers) } catch {
            #expect(error.reason.contains("missing required column marker"))
        }
    }

    @Test func unreadableOrEmptyManifestIsAUsageError() throws {
        let s = try Scratch()
        #expect(throws: ManifestError.self) { try Manifest.load(s.path("absent.csv"), knownMarkers: markers) }
        #expect(throws: ManifestError.self) { try Manifest.load(try s.write("e.csv", ""), knownMarkers: markers) }
        #expect(throws: ManifestError.self) { try Manifest.load(try s.write("h.csv", "patient,timepoint,marker,image\n"), knownMarkers: markers) }
    }

    @Test func everyBadRowBecomesAFailureNamingItsLine() throws {
        let s = try Scratch(files: ["a.png", "b.png", "c.png"])
        let text = """
        patient,timepoint,marker,image,pixel_size,slide,outcome
        P1,pre,pdl1,a.png,,,
        P1,during,pdl1,a.png,,,
        P1,pre,cd8,a.png,,,
        P1,post,pdl1,missing.png,,,
        P1,pre,pdl1,a.png,,,
        P2,pre,pdl1,b.png,-1,,
        P2,pre,pdl1,b.png,abc,,
        P3,post,pdl1,c.png,,P1_pre_pdl1,
        P4,pre,pdl1,,,,
        P5,pre,pdl1,c.png,,,maybe
        P6,pre,pdl1,c.png
        """
        let m = try Manifest.load(try s.write("m.csv", text + "\n"), knownMarkers: markers)
        #expect(m.rows.map(\.line) == [2])
        let errors = m.failures.map(\.error)
        #expect(errors.count == 10)
        #expect(errors[0] == "line 3: unknown timepoint 'during' (expected pre or post)")
        #expect(errors[1].hasPrefix("line 4: unknown marker 'cd8'"))
        #expect(errors[2].hasPrefix("line 5: image 'missing.png' not found"))
        #expect(errors[3] == "line 6: duplicate of line 2")
        #expect(errors[4].hasPrefix("line 7: bad pixel_size '-1'"))
        #expect(errors[5].hasPrefix("line 8: bad pixel_size 'abc'"))
        #expect(errors[6].hasPrefix("line 9: slide 'P1_pre_pdl1' already belongs to P1/pre/pdl1"))
        #expect(errors[7] == "line 10: empty image")
        #expect(errors[8].hasPrefix("line 11: bad outcome 'maybe'"))
        #expect(errors[9] == "line 12: has 4 fields, the header has 7")
        #expect(m.failures.allSatisfy { $0.stage == "manifest" })
        // Patients whose rows all failed are still known, so they are reported as insufficient.
        #expect(m.patients == ["P1", "P2", "P3", "P4", "P5", "P6"])
    }

    @Test func conflictingOutcomesAreRejected() throws {
        let s = try Scratch(files: ["a.png", "b.png"])
        let m = try Manifest.load(try s.write("m.csv", "patient,timepoint,marker,image,outcome\nP1,pre,pdl1,a.png,yes\nP1,post,pdl1,b.png,0\n"),
                                  knownMarkers: markers)
        #expect(m.outcomes == ["P1": 1])
        #expect(m.failures.first?.error.hasPrefix("line 3: outcome 0 contradicts line 2") == true)
    }
}
