import CTIFF
import Testing
@testable import StainShiftImaging

@Suite struct OMEMetadataTests {
    @Test func physicalSizeXIsConvertedToMicrons() {
        let xml = #"<?xml version="1.0"?><OME><Image><Pixels ID="Pixels:0" PhysicalSizeX="%@" PhysicalSizeXUnit="%@" SizeX="9"/></Image></OME>"#
        func size(_ value: String, _ unit: String) -> Double? {
            OMEMetadata.physicalSizeX(xml.replacingOccurrences(of: "PhysicalSizeX=\"%@\"", with: "PhysicalSizeX=\"\(value)\"")
                .replacingOccurrences(of: "PhysicalSizeXUnit=\"%@\"", with: "PhysicalSizeXUnit=\"\(unit)\""))
        }
        #expect(size("0.5", "µm") == 0.5)
        #expect(size("0.5", "μm") == 0.5)
        #expect(size("250", "nm") == 0.25)
        #expect(size("0.0005", "mm") == 0.5)
        #expect(size("-1", "µm") == nil)
        #expect(size("abc", "µm") == nil)
        #expect(size("1", "parsec") == nil)
        #expect(OMEMetadata.physicalSizeX(#"<OME><Image><Pixels PhysicalSizeX="0.3"/></Image></OME>"#) == 0.3)
        #expect(OMEMetadata.physicalSizeX("plain description") == nil)
    }

    @Test func resolutionTagsGivePixelSizeWhenThereIsNoOMEXML() throws {
        let dir = try Scratch()
        defer { dir.cleanup() }
        let rgb = pattern(width: 4, height: 4, channels: 3)
        let cases: [(TIFFPage, Double?)] = [
            (TIFFPage(width: 4, height: 4, resolution: (20_000, RESUNIT_CENTIMETER), samples: rgb), 0.5),
            (TIFFPage(width: 4, height: 4, resolution: (101_600, RESUNIT_INCH), samples: rgb), 0.25),
            (TIFFPage(width: 4, height: 4, resolution: (72, RESUNIT_INCH), samples: rgb), nil),     // editor default
            (TIFFPage(width: 4, height: 4, resolution: (20_000, RESUNIT_NONE), samples: rgb), nil), // aspect only
            (TIFFPage(width: 4, height: 4, resolution: (20_000, RESUNIT_CENTIMETER),
                      description: #"<OME><Image><Pixels PhysicalSizeX="0.227" PhysicalSizeXUnit="µm"/></Image></OME>"#,
                      samples: rgb), 0.227),
        ]
        for (i, (page, expected)) in cases.enumerated() {
            let path = dir.path("r\(i).tif")
            try writeTIFF([page], to: path)
            let got = try ImageReader.info(path).pixelSizeMicrons
            if let expected { #expect(abs((got ?? -1) - expected) < 1e-6, "case \(i)") } else { #expect(got == nil, "case \(i)") }
        }
    }
}
