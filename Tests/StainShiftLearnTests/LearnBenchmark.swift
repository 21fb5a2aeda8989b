import Foundation
import Testing
import StainShiftFoundation
import StainShiftScoring
import StainShiftSynth
@testable import StainShiftLearn

/// Cost of training a forest on 30,000 cells and of applying it to a tile, against scoring the
/// tile; run by `Benchmarks/learn/bench.sh` (STAINSHIFT_LEARN_BENCH=1), never in the normal test
/// run. Prints timings, asserts nothing about speed.
@Suite struct LearnBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["STAINSHIFT_LEARN_BENCH"] == "1"

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func timed<T>(_ body: () -> T) -> (T, wall: Double, cpu: Double) {
        let t0 = Date(), c0 = cpuSeconds()
        let v = body()
        return (v, Date().timeIntervalSince(t0), cpuSeconds() - c0)
    }

    @Test(.enabled(if: enabled)) func trainingAndApplying() throws {
        let cells = RandomForestTests.blobs(30_000, groups: 30)
        let p = ForestParameters()
        let (forest, wall, cpu) = Self.timed {
            RandomForest.train(x: cells.features, labels: cells.labels, featureCount: CellFeatures.dimension, classCount: 3, parameters: p)
        }
        print(String(format: "BENCH learn.train 30000 cells x %d features, %d trees, depth %d: wall %.2f s, CPU %.2f s",
                     CellFeatures.dimension, p.trees, p.maxDepth, wall, cpu))
        let (_, cvWall, cvCPU) = Self.timed { CellClassifierTrainer.crossValidate(cells, folds: 5, parameters: p) }
        print(String(format: "BENCH learn.crossvalidate 5 folds of the same: wall %.2f s, CPU %.2f s", cvWall, cvCPU))
        let model = CellClassifierModel(stainshiftVersion: "bench", classes: cells.classNames.map { ModelClass(name: $0, role: ModelClass.role(of: $0)) },
                                        parameters: p, training: TrainingSummary(cellsPerClass: cells.cellsPerClass, images: 30), trees: forest.trees)
        let classifier = RandomForestCellClassifier(model: model)
        let (image, _) = SyntheticTile.generate(TileSpec(marker: .ki67, width: 2048, height: 2048), seed: 1)
        var best = (score: Double.infinity, features: Double.infinity, predict: Double.infinity)
        var count = 0
        for _ in 0..<5 {
            let (analysis, scoreWall, _) = Self.timed { TileScorer.analyse(image, name: "bench", marker: .ki67, settings: ScoringSettings()) }
            let (features, fWall, _) = Self.timed {
                CellFeatures.compute(analysis.segmentation, planes: analysis.planes, pixelSizeMicrons: analysis.score.pixelSizeMicrons)
            }
            let (classes, pWall, _) = Self.timed { classifier.classify(features) }
            count = classes.count
            best = (min(best.score, scoreWall), min(best.features, fWall), min(best.predict, pWall))
        }
        print(String(format: "BENCH learn.apply 2048x2048 tile, %d cells: scoring %.0f ms; features %.1f ms + forest %.1f ms = %.1f%% of scoring (best of 5)",
                     count, best.score * 1000, best.features * 1000, best.predict * 1000,
                     100 * (best.features + best.predict) / best.score))
    }
}
