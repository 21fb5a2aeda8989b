import Foundation
import Testing
import StainShiftCells
@testable import StainShiftScoring
import StainShiftSynth

/// `--cells`: every compartment's hematoxylin and DAB mean and max, as measured; NA where a
/// compartment has no pixels.
@Suite struct CellTableTests {
    @Test func everyCompartmentHasMeanAndMaxOfBothStains() throws {
        let (image, _) = SyntheticTile.generate(TileSpec(marker: .hla1, width: 256, height: 256), seed: 4)
        var analysis = TileScorer.analyse(image, name: "t", marker: .hla1, settings: ScoringSettings())
        try #require(analysis.segmentation.cells.count > 10)
        // The first cell's cytoplasm emptied: its four cytoplasm columns must read NA.
        analysis.segmentation.cells[0].cytoplasm = CompartmentStats()
        let lines = CellTable.tsv(analysis).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        #expect(header == CellTable.columns && Set(header).count == header.count)
        for compartment in ["Nucleus", "Cytoplasm", "Membrane", "Cell"] {
            for stat in ["Hematoxylin OD mean", "Hematoxylin OD max", "DAB OD mean", "DAB OD max"] {
                #expect(header.contains("\(compartment): \(stat)"))
            }
        }
        #expect(lines.count == analysis.segmentation.cells.count + 1)
        func column(_ name: String, row: Int) throws -> String { lines[row][try #require(header.firstIndex(of: name))] }
        for row in [1, 2, lines.count - 1] {
            let cell = analysis.segmentation.cells[row - 1]
            #expect(try column("Object ID", row: row) == String(cell.label))
            #expect(try column("Membrane: Hematoxylin OD max", row: row) == String(format: "%.4f", Double(cell.membrane.hematoxylinMax)))
            #expect(try column("Nucleus: Hematoxylin OD max", row: row) == String(format: "%.4f", Double(cell.nucleus.hematoxylinMax)))
            #expect(try column("Cell: DAB OD mean", row: row) == String(format: "%.4f", Double(cell.wholeCell.dabMean)))
            #expect(cell.membrane.hematoxylinMax >= cell.membrane.hematoxylinMean)
        }
        #expect(try ["mean", "max"].allSatisfy { try column("Cytoplasm: DAB OD \($0)", row: 1) == "NA" })
        #expect(try column("Cytoplasm: DAB OD mean", row: 2) != "NA")
    }
}

/// Detection presets as the scorer applies them.
@Suite struct DetectionPresetTests {
    @Test func presetsAndThresholdsReachTheDetector() {
        var settings = ScoringSettings()
        let standard = TileScorer.cellParameters(for: .ki67, pixelSizeMicrons: 0.5, settings: settings)
        // Nuclear markers: the OD sum at a fixed threshold, OD as scanned (no per-image factor).
        #expect(standard == {
            var p = CellParameters(pixelSizeMicrons: 0.5); p.channel = .opticalDensitySum
            p.threshold = CellParameters.defaultODSumThreshold; p.measurementODScale = 1
            p.hematoxylinPassThreshold = CellParameters.defaultHematoxylinThreshold; return p
        }())
        #expect(TileScorer.cellParameters(for: .pdl1, pixelSizeMicrons: 0.5, settings: settings) == {
            var p = CellParameters(pixelSizeMicrons: 0.5); p.channel = .hematoxylin
            p.threshold = CellParameters.defaultHematoxylinThreshold; p.measurementODScale = 1; return p
        }())
        // --od-scale auto: the image's own factor, for detection and measurement.
        var auto = settings
        auto.odScale = nil
        let normalised = TileScorer.cellParameters(for: .ki67, pixelSizeMicrons: 0.5, settings: auto)
        #expect(normalised.normaliseStains && normalised.measurementODScale == nil)
        settings.detection = .qupath03
        let qupath = TileScorer.cellParameters(for: .ki67, pixelSizeMicrons: 0.5, settings: settings)
        #expect(qupath == {
            var p = CellParameters.qupath03(pixelSizeMicrons: 0.5, detectionThreshold: 0.2); p.measurementODScale = 1; return p
        }())
        #expect(qupath.channel == .opticalDensitySum && qupath.cellExpansionMicrons == 0)
        settings.detectionThreshold = 0.4
        #expect(TileScorer.cellParameters(for: .pdl1, pixelSizeMicrons: 0.5, settings: settings).threshold == 0.4)
        settings.detection = .distanceWatershed
        let classic = TileScorer.cellParameters(for: .pdl1, pixelSizeMicrons: 0.5, settings: settings)
        #expect(classic.foreground == .threshold && classic.threshold == 0.4 && classic.channel == .hematoxylin)
        #expect(DetectionPreset.allCases.map(\.rawValue) == ["default", "qupath-0.3", "distance-watershed"])
    }
}
