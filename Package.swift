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
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
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

        // Shared pieces every stage uses: the seeded generator and the parallel loop.
        .target(name: "StainShiftFoundation"),

        // Pipeline stages, left to right.
        .target(name: "StainShiftImaging",
                dependencies: ["StainShiftFoundation", "CTIFF", "CPNG", "CJPEG", "CJPEGCodec", "COpenSlide", .product(name: "Logging", package: "swift-log")]),
        .target(name: "StainShiftStains", dependencies: ["StainShiftImaging", "CStreamStore"]),
        .target(name: "StainShiftTissue", dependencies: ["StainShiftStains"]),
        .target(name: "StainShiftCells", dependencies: ["StainShiftTissue"]),
        .target(name: "StainShiftScoring", dependencies: ["StainShiftCells"]),
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
                dependencies: ["StainShiftReport", "StainShiftSynth", "StainShiftEvaluation",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Logging", package: "swift-log")]),
        .target(name: "StainShift", dependencies: ["StainShiftPipeline"]),
        .executableTarget(name: "StainShiftCLI",
                          dependencies: ["StainShift",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")]),

        // Benchmarks (built in release by Benchmarks/<stage>/bench.sh).
        .executableTarget(name: "StainsBench", dependencies: ["StainShiftStains"],
                          path: "Benchmarks/StainsBench"),

        // One test suite per stage; CLI tests check stdout, stderr and exit codes.
        .testTarget(name: "StainShiftImagingTests", dependencies: ["StainShiftImaging", "StainShiftFoundation", "CTIFF", "CPNG", "CJPEGCodec"]),
        .testTarget(name: "StainShiftStainsTests", dependencies: ["StainShiftStains"]),
        .testTarget(name: "StainShiftCellsTests", dependencies: ["StainShiftFoundation", "StainShiftCells", "StainShiftSynth"]),
        .testTarget(name: "StainShiftScoringTests", dependencies: ["StainShiftFoundation", "StainShiftScoring", "StainShiftSynth"]),
        .testTarget(name: "StainShiftCohortTests", dependencies: ["StainShiftClassify", "StainShiftSynth", "StainShiftPipeline"]),
        .testTarget(name: "StainShiftEvaluationTests", dependencies: ["StainShiftEvaluation", "StainShiftSynth"]),
        .testTarget(name: "StainShiftReportTests", dependencies: ["StainShiftReport", "StainShiftPipeline"]),
        .testTarget(name: "StainShiftCLITests", dependencies: ["StainShiftCLI", "StainShiftImaging", "CJPEGCodec"]),
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
