import Testing
@testable import StainShiftCells

@Suite struct CellTests {
    @Test func cellClassesAreNamedForTables() {
        #expect(CellClass.allCases.map(\.rawValue) == ["tumour", "lymphocyte", "stroma", "other"])
    }
}
