// swift-tools-version:6.1
// StainShift: IHC stain quantification before and after radiotherapy.
// The target list reads as the one-way flow in docs/ARCHITECTURE.md:
// Imaging → Stains → Tissue → Cells → Scoring → Cohort → Classify → Report, driven by Pipeline.
import PackageDescription

// No unsafe compiler flags: every configuration keeps bounds, overflow and exclusivity checks (and
// other packages can depend on this one). Kernels that need the speed use unsafe buffer pointers
// inside the kernel, where the bounds are checked once per row or plane.
let package = Package(
    name: "StainShift",
    products: [
        .library(name: "StainShift", targets: ["StainShift"]),
        .executable(name: "stainshift", targets: ["StainShiftCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
    ],
    targets: [
        // System libraries, with typed shims for variadic and macro C APIs.
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg-dev"])]),
        // Whole-file JPEG decoding in C, so libjpeg's longjmp never crosses a Swift frame.
        .target(name: "CJPEGCodec", linkerSettings: [.linkedLibrary("jpeg")]),
        // Whole-slide vendor formats (SVS, NDPI, MRXS, SCN, ...) through OpenSlide.
        .systemLibrary(name: "COpenSlide", pkgConfig: "openslide",
                       providers: [.apt(["libopenslide-dev"])]),
        // Header-only: streaming (non-temporal) stores for the deconvolution kernel.
        .systemLibrary(name: "CStreamStore"),

        // Shared pieces every stage uses, one home each: the seeded generator, quantiles and medians,
        // the parallel loop and its per-chunk results, the JSON writer and the file error.
        .target(name: "StainShiftFoundation"),

        // Pipeline stages, left to right.
        .target(name: "StainShiftImaging",
                dependencies: ["StainShiftFoundation", "CTIFF", "CPNG", "CJPEG", "CJPEGCodec", "COpenSlide"]),
        .target(name: "StainShiftStains", dependencies: ["StainShiftImaging", "CStreamStore"]),
        .target(name: "StainShiftTissue", dependencies: ["StainShiftStains"]),
        .target(name: "StainShiftCells", dependencies: ["StainShiftTissue"]),
        .target(name: "StainShiftScoring", dependencies: ["StainShiftCells"]),
        // Cell classifiers trained from a pathologist's points (random forest on per-cell features).
        .target(name: "StainShiftLearn", dependencies: ["StainShiftCells", "StainShiftFoundation"]),
        .target(name: "StainShiftSynth", dependencies: ["StainShiftScoring"]),
        .target(name: "StainShiftEvaluation",
                dependencies: ["StainShiftScoring", .product(name: "CSV", package: "CSV.swift")]),
        .target(name: "StainShiftCohort",
                dependencies: ["StainShiftScoring", .product(name: "CSV", package: "CSV.swift")]),
        .target(name: "StainShiftClassify", dependencies: ["StainShiftCohort"]),
        // report.html is laid out by Mustache templates compiled into the binary (docs/REPORT-TEMPLATES.md).
        .target(name: "StainShiftReport",
                dependencies: ["StainShiftClassify", .product(name: "Mustache", package: "swift-mustache")],
                resources: [.embedInCode("Templates")]),
        .target(name: "StainShiftPipeline",
                dependencies: ["StainShiftReport", "StainShiftEvaluation", "StainShiftLearn"]),
        // The production library: every stage but the synthetic generator (Synth is for tests,
        // benchmarks and the CLI's `synth`).
        .target(name: "StainShift", dependencies: ["StainShiftPipeline"]),
        .executableTarget(name: "StainShiftCLI",
                          dependencies: ["StainShift", "StainShiftSynth",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks (built in release by Benchmarks/<stage>/bench.sh).
        .executableTarget(name: "StainsBench", dependencies: ["StainShiftStains"],
                          path: "Benchmarks/StainsBench"),

        // One test suite per stage; CLI tests check stdout, stderr and exit codes.
        // Test helpers shared by several suites (a scratch folder, a small synthetic tile).
        .target(name: "StainShiftTestSupport", dependencies: ["StainShiftFoundation", "StainShiftImaging", "StainShiftCohort"],
                path: "Tests/StainShiftTestSupport"),
        .testTarget(name: "StainShiftFoundationTests", dependencies: ["StainShiftFoundation"]),
        .testTarget(name: "StainShiftImagingTests", dependencies: ["StainShiftImaging", "StainShiftFoundation", "CTIFF", "CPNG", "CJPEGCodec"]),
        .testTarget(name: "StainShiftStainsTests", dependencies: ["StainShiftStains"]),
        .testTarget(name: "StainShiftTissueTests", dependencies: ["StainShiftFoundation", "StainShiftTissue", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftCellsTests", dependencies: ["StainShiftFoundation", "StainShiftCells", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftScoringTests", dependencies: ["StainShiftFoundation", "StainShiftScoring", "StainShiftSynth"]),
        .testTarget(name: "StainShiftSynthTests", dependencies: ["StainShiftFoundation", "StainShiftSynth"]),
        .testTarget(name: "StainShiftCohortTests", dependencies: ["StainShiftFoundation", "StainShiftCohort", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftClassifyTests", dependencies: ["StainShiftFoundation", "StainShiftClassify", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftPipelineTests", dependencies: ["StainShiftPipeline", "StainShiftSynth", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftLearnTests", dependencies: ["StainShiftFoundation", "StainShiftLearn", "StainShiftSynth", "StainShiftPipeline"]),
        .testTarget(name: "StainShiftEvaluationTests", dependencies: ["StainShiftEvaluation", "StainShiftSynth", "StainShiftTestSupport"]),
        .testTarget(name: "StainShiftReportTests", dependencies: ["StainShiftReport", "StainShiftPipeline"]),
        .testTarget(name: "StainShiftCLITests", dependencies: ["StainShiftCLI", "StainShiftImaging", "CJPEGCodec", "StainShiftTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzzing: libFuzzer targets for the image readers (`make fuzz`); a normal build gives replay tools.
package.targets += [
    .target(name: "FuzzSupport", dependencies: ["StainShiftImaging"], path: "Fuzz/Support"),
    .executableTarget(name: "FuzzTIFF", dependencies: ["FuzzSupport"], path: "Fuzz/FuzzTIFF"),
    .executableTarget(name: "FuzzPNG", dependencies: ["FuzzSupport"], path: "Fuzz/FuzzPNG"),
    .executableTarget(name: "FuzzJPEG", dependencies: ["FuzzSupport"], path: "Fuzz/FuzzJPEG"),
]

// Benchmarks (`make bench`): StainShift's TIFF decode against `tiffinfo -D`.
package.targets += [
    .executableTarget(name: "ImagingBench", dependencies: ["StainShiftImaging"], path: "Benchmarks/imaging/ImagingBench"),
]

// `make test-debug` runs the image readers' tests and the fuzz-corpus replay in a debug build.
// `swift test` builds every test target, so on the whole package that would compile Mustache
// and every stage again in debug only to run the readers' tests. With
// STAINSHIFT_PACKAGE=imaging this manifest keeps just the readers, their tests and the replay tools,
// with no package dependencies (the Makefile gives that build its own scratch path).
if Context.environment["STAINSHIFT_PACKAGE"] == "imaging" {
    let readers: Set<String> = ["CTIFF", "CPNG", "CJPEG", "CJPEGCodec", "COpenSlide", "StainShiftFoundation",
                                "StainShiftImaging", "StainShiftImagingTests",
                                "FuzzSupport", "FuzzTIFF", "FuzzPNG", "FuzzJPEG"]
    package.targets = package.targets.filter { readers.contains($0.name) }
    package.products = []
    package.dependencies = []
}
