// The shipped default cell model (models/default-cells.json), compiled in.
enum DefaultCellModel {
    static let name = "default-cells.json"
    static let json = ""
}
