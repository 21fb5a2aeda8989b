import StainShiftCohort
@testable import StainShiftReport
import Testing

@Suite struct ReportFormatTests {
    @Test func numbersHaveFourFixedDecimalsAsInTheTables() {
        #expect(ReportFormat.number(2.5) == "2.5000")
        #expect(ReportFormat.number(-3.456789) == "-3.4568")
        #expect(ReportFormat.number(100) == "100.0000")
        #expect(ReportFormat.number(0.125, decimals: 2) == "0.12") // exact binary value, half to even as printf
        #expect(ReportFormat.number(2.00005) == "2.0000") // 2.00005 is 2.0000499999... in binary
        #expect(ReportFormat.number(1.00005) == "1.0001") // 1.00005 is 1.0000500000...1 in binary
        #expect(ReportFormat.number(1234567.891) == "1234567.8910")
        #expect(ReportFormat.number(0.5, decimals: 0) == "0")
        #expect(ReportFormat.number(12.3456, decimals: ReportFormat.angleDecimals) == "12.35")
    }

    @Test func missingAndNonFiniteAreNA() {
        #expect(ReportFormat.number(Double?.none) == "NA")
        #expect(ReportFormat.number(Double.nan) == "NA")
        #expect(ReportFormat.number(-Double.infinity) == "NA")
    }

    @Test func negativeZeroIsWrittenAsZero() {
        #expect(ReportFormat.number(-0.00004) == "0.0000")
        #expect(ReportFormat.number(-0.0) == "0.0000")
        #expect(ReportFormat.number(-0.00005001) == "-0.0001")
    }

    @Test func overlayNamesArePlainAndUnambiguous() {
        #expect(ReportWriter.overlayFileName(patient: "P01", marker: "pdl1", timepoint: .pre) == "P01_pdl1_pre.png")
        #expect(ReportWriter.overlayFileName(patient: "PT_7", marker: "hla1", timepoint: .post) == "PT_7_hla1_post.png")
        #expect(ReportWriter.overlayFileName(patient: "a/b c", marker: "crt", timepoint: .pre) == "a%2Fb%20c_crt_pre.png")
        #expect(ReportWriter.overlayFileName(patient: "..", marker: "crt", timepoint: .pre) == "%2E._crt_pre.png")
        #expect(ReportWriter.overlayFileName(patient: "é", marker: "crt", timepoint: .pre) == "%C3%A9_crt_pre.png")
        // (patient a_b, marker c) and (patient a, marker b_c) must not collide.
        #expect(ReportWriter.overlayFileName(patient: "a_b", marker: "c", timepoint: .pre)
                != ReportWriter.overlayFileName(patient: "a", marker: "b_c", timepoint: .pre))
        #expect(!ReportWriter.overlayFileName(patient: "x%2F", marker: "m", timepoint: .pre).contains("/"))
        #expect(ReportWriter.overlayFileName(patient: "x%2F", marker: "m", timepoint: .pre)
                != ReportWriter.overlayFileName(patient: "x/", marker: "m", timepoint: .pre))
    }

    @Test func patientsSortNaturally() {
        let ids = ["P10", "P2", "P1", "P02", "B", "P1a", "A10", "A9"]
        #expect(ids.sorted(by: NaturalOrder.less) == ["A9", "A10", "B", "P1", "P1a", "P02", "P2", "P10"])
        #expect(!NaturalOrder.less("P2", "P2"))
    }

    @Test func niceTicksCoverTheDomain() {
        let scale = PlotScale(domain: PlotScale.niceDomain(-23, 61), range: 0...100, inverted: true)
        #expect(scale.domain == -40...80)
        #expect(scale.ticks() == [-40, -20, 0, 20, 40, 60, 80])
        #expect(scale(80) == 0 && scale(-40) == 100)
    }
}

/// report.html's numbers for people: percentages to one decimal, counts as integers, categories by name.
@Suite struct ShownNumberTests {
    @Test func percentagesAndHScoresHaveOneDecimal() {
        #expect(ReportFormat.shown(10.2564, metric: "tps") == "10.3")
        #expect(ReportFormat.shown(33.3333, metric: "percent_positive") == "33.3")
        #expect(ReportFormat.shown(12.25, metric: "labelling_index") == "12.2")
        #expect(ReportFormat.shown(151.37, metric: "membrane_hscore") == "151.4")
        #expect(ReportFormat.shownChange(-4.04, metric: "tps") == "-4.0")
    }

    @Test func categoriesReadByName() {
        #expect(ReportFormat.shown(0, metric: "tps_category_code") == "<1%")
        #expect(ReportFormat.shown(1, metric: "tps_category_code") == "1-49%")
        #expect(ReportFormat.shown(2, metric: "tps_category_code") == ">=50%")
        #expect(ReportFormat.shown(1.5, metric: "tps_category_code") == "1.5")
        #expect(ReportFormat.shownChange(1, metric: "tps_category_code") == "1.0")
    }

    @Test func countsAreIntegersAndOtherScoresHaveThreeDecimals() {
        #expect(ReportFormat.shown(412, metric: "tumour_cells") == "412")
        #expect(ReportFormat.shown(7, metric: "tile_count") == "7")
        #expect(ReportFormat.shown(0.20143, metric: "membrane_mean_dab_od") == "0.201")
        #expect(ReportFormat.shown(nil, metric: "tps") == "NA" && ReportFormat.shown(.nan, metric: "tps") == "NA")
    }
}
