import Foundation
import Testing
@testable import StainShiftStains

@Suite struct StainMatrixTests {
    @Test func vectorsAreNormalisedAndThirdRowIsTheCrossProduct() throws {
        let m = StainPresets.hDAB
        for v in m.stains { #expect(abs(v.r * v.r + v.g * v.g + v.b * v.b - 1) < 1e-12) }
        #expect(m.stains[2].role == .residual)
        #expect(m.derivedThird)
        // The residual is orthogonal to both stains.
        for k in 0..<2 { #expect(abs(StainEstimation.cosine(m.stains[k], m.stains[2])) < 1e-12) }
        // inverse x matrix = identity.
        let rows = m.stains.map(\.components)
        for i in 0..<3 {
            for j in 0..<3 {
                let x = (0..<3).reduce(0.0) { $0 + rows[i][$1] * m.inverse[3 * $1 + j] }
                #expect(abs(x - (i == j ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test func textRoundTripsExactly() throws {
        let m = try StainMatrix(parsing: "hematoxylin:0.650,0.704,0.286;dab:0.268,0.570,0.776")
        #expect(m == StainPresets.hDAB)
        #expect(try StainMatrix(parsing: m.text) == m)
        #expect(m.text.split(separator: ";").count == 2)
        let three = StainPresets.hEDAB
        #expect(try StainMatrix(parsing: three.text) == three)
        #expect(three.text.split(separator: ";").count == 3)
        // Whitespace and upper case are tolerated.
        #expect(try StainMatrix(parsing: " Hematoxylin : 0.65, 0.704 ,0.286 ; dab:0.268,0.570,0.776 ") == m)
    }

    @Test func jsonRoundTripsAndFeedsBack() throws {
        let data = try JSONEncoder().encode(StainPresets.hAEC)
        #expect(try JSONDecoder().decode(StainMatrix.self, from: data) == StainPresets.hAEC)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stains-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("set.json")
        // Extra keys (as in `stainshift deconvolve` output) are ignored.
        let json = #"{"image": "x.png", "stains": [{"role": "hematoxylin", "r": 0.65, "g": 0.704, "b": 0.286}, {"role": "dab", "r": 0.268, "g": 0.57, "b": 0.776}]}"#
        try Data(json.utf8).write(to: file)
        #expect(try StainMatrix.load(file.path) == StainPresets.hDAB)
        #expect(try StainMatrix.resolve(file.path) == StainPresets.hDAB)
    }

    @Test func resolveAcceptsPresetsAndText() throws {
        #expect(try StainMatrix.resolve("h-dab") == StainPresets.hDAB)
        #expect(try StainMatrix.resolve("QuPath-H-DAB") == StainPresets.quPathHDAB)
        #expect(try StainMatrix.resolve(StainPresets.hE.text) == StainPresets.hE)
        #expect(throws: StainError.self) { try StainMatrix.resolve("h-dob") }
        #expect(throws: StainError.self) { try StainMatrix.resolve("auto") }
        #expect(throws: StainError.file("/nonexistent/set.json", .malformed("no such file"))) {
            try StainMatrix.resolve("/nonexistent/set.json")
        }
    }

    @Test func presetsAreDistinctCitedAndValid() {
        #expect(StainPresets.all.first?.name == "h-dab")
        #expect(Set(StainPresets.all.map(\.name)).count == StainPresets.all.count)
        for p in ["h-dab", "h-e", "h-e-dab", "h-aec", "qupath-h-dab"] { #expect(StainPresets.named(p) != nil) }
        for p in StainPresets.all { #expect(!p.citation.isEmpty) }
        // QuPath's H-DAB (validation README) differs from Ruifrok & Johnston by well under a degree.
        let drift = StainPresets.quPathHDAB.driftDegrees(from: StainPresets.hDAB)
        #expect(drift.keys.sorted { $0.rawValue < $1.rawValue } == [.dab, .hematoxylin])
        #expect(drift.values.allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test func driftMeasuresTheRotationAngle() {
        let h = StainPresets.hDAB.stains[0], d = StainPresets.hDAB.stains[1]
        // About the residual (perpendicular to both), each vector turns by exactly the angle.
        let r = StainPresets.hDAB.stains[2]
        let axis = (r.r, r.g, r.b)
        let rotated = try? StainMatrix(Synth.rotate(h, degrees: 7, axis: axis), Synth.rotate(d, degrees: 7, axis: axis))
        let drift = rotated?.driftDegrees(from: StainPresets.hDAB) ?? [:]
        #expect(abs((drift[.hematoxylin] ?? 0) - 7) < 1e-9)
        #expect(abs((drift[.dab] ?? 0) - 7) < 1e-9)
    }

    @Test(arguments: [
        ("zero vector", "hematoxylin:0,0,0;dab:0.268,0.570,0.776", "invalid stain vector: hematoxylin: zero vector"),
        ("negative", "hematoxylin:0.65,-0.7,0.28;dab:0.268,0.570,0.776", "invalid stain vector: hematoxylin: components must not be negative"),
        ("NaN", "hematoxylin:nan,0.7,0.28;dab:0.268,0.570,0.776", "invalid stain vector: hematoxylin: components must be finite numbers"),
        ("infinite", "hematoxylin:0.65,0.7,0.28;dab:inf,0.570,0.776", "invalid stain vector: dab: components must be finite numbers"),
        ("parallel", "hematoxylin:0.65,0.7,0.28;dab:1.3,1.4,0.56", "singular stain matrix: hematoxylin and dab are (nearly) parallel"),
        ("one stain", "hematoxylin:0.65,0.7,0.28", "malformed stain description: expected 2 or 3 stains separated by ';' (role:r,g,b;role:r,g,b) but found 1 in 'hematoxylin:0.65,0.7,0.28'"),
        ("two numbers", "hematoxylin:0.65,0.7;dab:0.268,0.570,0.776", "malformed stain description: hematoxylin: expected three numbers r,g,b but found '0.65,0.7'"),
        ("not a number", "hematoxylin:0.65,x,0.28;dab:0.268,0.570,0.776", "malformed stain description: hematoxylin: 'x' is not a number"),
        ("unknown role", "haem:0.65,0.7,0.28;dab:0.268,0.570,0.776", "malformed stain description: unknown stain role 'haem' (known: hematoxylin, eosin, dab, aec, residual)"),
        ("no colon", "hematoxylin 0.65,0.7,0.28;dab:0.268,0.570,0.776", "malformed stain description: expected 'role:r,g,b' but found 'hematoxylin 0.65,0.7,0.28'"),
        ("same role twice", "dab:0.65,0.7,0.28;dab:0.268,0.570,0.776", "malformed stain description: stain role 'dab' appears twice"),
    ])
    func badTextGivesAClearError(_ what: String, _ text: String, _ message: String) {
        do {
            _ = try StainMatrix(parsing: text)
            Issue.record("\(what): accepted")
        } catch {
            #expect(error.description == message, "\(what)")
        }
    }

    @Test func singularThirdStainIsRejected() {
        let h = Synth.vector(.hematoxylin, 0.65, 0.70, 0.29), d = Synth.vector(.dab, 0.27, 0.57, 0.78)
        // A third vector in the plane of the first two.
        let e = Synth.vector(.eosin, h.r + d.r, h.g + d.g, h.b + d.b)
        #expect(throws: StainError.self) { try StainMatrix(h, d, e) }
    }

    @Test func badJSONFilesNameTheFileAndProblem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stains-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            (#"{"stain": []}"#, "missing key 'stains'"),
            (#"{"stains": [{"role": "dab", "r": "a", "g": 0, "b": 1}, {"role": "hematoxylin", "r": 1, "g": 1, "b": 1}]}"#, "wrong type at 'stains.0.r'"),
            (#"{"stains": [{"role": "dab", "r": 0, "g": 0, "b": 0}, {"role": "hematoxylin", "r": 1, "g": 1, "b": 1}]}"#, "invalid stain vector: dab: zero vector"),
            (#"{"stains": [{"role": "dab", "r": 0.2, "g": 0.5, "b": 0.7}]}"#, "malformed stain description: expected 2 or 3 stains but found 1"),
        ]
        for (i, (json, problem)) in cases.enumerated() {
            let file = dir.appendingPathComponent("bad\(i).json")
            try Data(json.utf8).write(to: file)
            do {
                _ = try StainMatrix.load(file.path)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description.hasPrefix("\(file.path): "))
                #expect(error.description.hasSuffix(problem), "\(error.description)")
            }
        }
        #expect(throws: StainError.file("/nonexistent/s.json", .malformed("no such file"))) {
            try StainMatrix.load("/nonexistent/s.json")
        }
    }

    @Test func whitePointRejectsNonsense() {
        #expect(throws: StainError.self) { try WhitePoint(r: 0, g: 255, b: 255) }
        #expect(throws: StainError.self) { try WhitePoint(uniform: .nan) }
        #expect(throws: StainError.self) { try WhitePoint(r: 255, g: .infinity, b: 255) }
    }
}
