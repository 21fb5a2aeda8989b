import Testing
import StainShiftPipeline

@Suite struct ReportVersionTests {
    @Test func versionIsSemantic() {
        #expect(StainShiftVersion.current.split(separator: ".").count == 3)
    }
}
