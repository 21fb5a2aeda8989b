import ArgumentParser
import StainShift

@main
struct StainShiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stainshift",
        abstract: "Quantify IHC staining before and after radiotherapy (research use only).",
        // First line the bare version (CONTRACT), then the image libraries, one per line.
        version: ([StainShiftVersion.current] + LibraryVersions.lines).joined(separator: "\n"),
        subcommands: [
            Info.self,
            Convert.self,
            Deconvolve.self,
            Stains.self,
            Score.self,
            Synth.self,
            Run.self,
            ScoreSlide.self,
            Evaluate.self,
            TrainCells.self,
            CohortCommand.self,
            Train.self,
            Classify.self,
            Report.self,
        ]
    )
}
