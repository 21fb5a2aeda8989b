/// StainShift's version, printed by `stainshift --version` and recorded in every report.
public enum StainShiftVersion {
    public static let current = "0.1.0"
}
