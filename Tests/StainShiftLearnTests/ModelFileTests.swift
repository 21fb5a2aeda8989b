import Foundation
import Testing
@testable import StainShiftLearn

/// Bad model files give one-line errors naming the file; the shipped default loads.
@Suite struct ModelFileTests {
    static let good: String = CellClassifierTrainer.train(RandomForestTests.blobs(400), parameters: ForestParameters(trees: 3, seed: 1),
                                                          folds: 1, stainshiftVersion: "test").json()

    func error(_ text: String) -> String {
        do { _ = try CellClassifierModel.parse(Data(text.utf8), path: "bad.json"); return "no error" } catch { return error.description }
    }

    func edited(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.good.utf8)) as? [String: Any])
        edit(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func badFilesAreOneLineErrorsNamingTheFile() throws {
        let cases: [(String, String)] = [
            ("{not json", "bad.json: not a cell classifier model (malformed JSON or not an object)"),
            ("[1, 2]", "bad.json: not a cell classifier model (malformed JSON or not an object)"),
            (try edited { $0["format"] = "stainshift-benefit-model" }, "bad.json: not a cell classifier model (format is not 'stainshift-cell-classifier')"),
            (try edited { $0["format_version"] = 2 }, "bad.json: format version 2, this StainShift reads version 1"),
            (try edited { $0.removeValue(forKey: "format_version") }, "bad.json: no format_version"),
            (try edited { $0.removeValue(forKey: "trees") }, "bad.json: missing 'trees'"),
            (try edited { $0["classes"] = [["name": "a", "role": "tumour"]] }, "bad.json: fewer than two classes"),
            (try edited { $0["classes"] = [["name": "a", "role": "tumour"], ["name": "b", "role": "alien"]] },
             "bad.json: bad value at classes.Index 1.role"),
        ]
        for (text, expected) in cases {
            let message = error(text)
            #expect(message == expected)
            #expect(!message.contains("\n"))
        }
        let renamed = error(try edited { object in
            var names = object["features"] as! [String]
            names[3] = "Nucleus: Roundness"
            object["features"] = names
        })
        #expect(renamed == "bad.json: features differ from this StainShift's ('Nucleus: Roundness' where this StainShift has 'Nucleus: Circularity'); retrain with stainshift train-cells")
        let fewer = error(try edited { object in object["features"] = Array((object["features"] as! [String]).dropLast()) })
        #expect(fewer.hasPrefix("bad.json: features differ from this StainShift's (\(CellFeatures.dimension - 1) features"))
        let loop = error(try edited { object in
            var trees = object["trees"] as! [[String: Any]]
            var next = trees[0]["next"] as! [Int]
            if (trees[0]["feature"] as! [Int])[0] >= 0 { next[0] = 0 } else { next[0] = 9999 }
            trees[0]["next"] = next
            object["trees"] = trees
        })
        #expect(loop.hasPrefix("bad.json: tree 1: "), "\(loop)")
        do { _ = try CellClassifierModel.read("/nonexistent/m.json"); Issue.record("read a missing file") } catch {
            #expect(error.description == "/nonexistent/m.json: no such file")
        }
    }

    @Test func theShippedDefaultLoadsAndNamesItsRoles() throws {
        let shipped = try RandomForestCellClassifier.shippedDefault()
        #expect(shipped.model.features == CellFeatures.names)
        #expect(Set(shipped.roles).isSuperset(of: [.tumour, .lymphocyte, .stroma]))
        #expect(shipped.model.trees.count >= 10)
        #expect(DefaultCellModel.json.utf8.count < 1_000_000)
        #expect((shipped.model.training.crossValidation?.folds ?? 0) >= 2)
    }
}
