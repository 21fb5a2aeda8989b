import Foundation
import Testing
@testable import StainShiftScoring

@Suite struct MarkerSetTests {
    @Test func overrideChangesOnlyTheGivenFields() throws {
        let json = #"{"markers": [{"name": "pdl1", "thresholds": {"weak": 0.15, "moderate": 0.35, "strong": 0.55}}]}"#
        let set = try MarkerSet.parse(Data(json.utf8))
        let m = try #require(set["pdl1"])
        #expect(m.thresholds == IntensityThresholds(weak: 0.15, moderate: 0.35, strong: 0.55))
        #expect(m.primary == .membrane)
        #expect(m.formulas == Marker.pdl1.formulas)
        #expect(set["hla1"] == Marker.hla1)
    }

    @Test func newMarkerNeedsCompartmentAndThresholds() throws {
        let json = #"[{"name": "CD8", "primary": "membrane", "thresholds": {"weak": 0.1, "moderate": 0.3, "strong": 0.5}, "population": "all"}]"#
        let set = try MarkerSet.parse(Data(json.utf8))
        let m = try set.marker(named: "cd8")
        #expect(m.population == .all)
        #expect(m.hscoreCompartment == .membrane)
        #expect(set.markers.count == Marker.builtins.count + 1)
        #expect(throws: MarkerError.self) { try MarkerSet.parse(Data(#"[{"name": "cd3"}]"#.utf8)) }
    }

    @Test func badConfigsAreOneLineErrors() {
        let cases = [
            #"{"markers": [{"name": "pdl1", "thresholds": {"weak": 0.5, "moderate": 0.4, "strong": 0.6}}]}"#,
            #"{"markers": [{"name": "pdl1", "primary": "nucleolus"}]}"#,
            "not json",
            #"[{"name": "a b", "primary": "nucleus", "thresholds": {"weak": 0.1, "moderate": 0.2, "strong": 0.3}}]"#,
        ]
        for text in cases {
            do {
                _ = try MarkerSet.parse(Data(text.utf8), path: "m.json")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.hasPrefix("m.json: "))
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func unknownMarkerListsTheKnownOnes() {
        #expect(throws: MarkerError.self) { try MarkerSet.builtin.marker(named: "pd-l2") }
        do { _ = try MarkerSet.builtin.marker(named: "pd-l2") } catch {
            #expect(error.description == "unknown marker 'pd-l2' (known: pdl1, hla1, crt, hmgb1, ki67)")
        }
        #expect(throws: MarkerError.self) { try MarkerSet.load("/nonexistent/markers.json") }
    }

    @Test func thresholdsBinAtTheirEdges() {
        let t = IntensityThresholds.qupath
        #expect(t.bin(0.1999) == .negative)
        #expect(t.bin(0.2) == .weak)
        #expect(t.bin(0.4) == .moderate)
        #expect(t.bin(0.6) == .strong)
        #expect(t.bin(-.infinity) == .negative)
    }
}
