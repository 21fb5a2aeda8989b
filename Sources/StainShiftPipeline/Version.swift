/// StainShift's version, printed by `stainshift --version` and recorded in every report.
public enum StainShiftVersion {
    public static let current = "0.1.0"
    /// Revision of the scoring algorithms, bumped whenever the same image and settings can score
    /// differently; part of every resume-cache key, so `--resume` never reuses a score made by
    /// older code. 2: the last hole filling of nucleus detection keeps diagonal watershed lines
    /// open (touching nuclei are split). 3: OD against the glass white, no per-image OD factor,
    /// fixed detection thresholds, pixel size estimated from the nuclei when undeclared. 4: the
    /// morphology rule's lymphocytes at a fixed hematoxylin OD (not relative to the tile's median),
    /// per-class counts and cell areas in the totals (IC score).
    public static let scoringRevision = 4
}
