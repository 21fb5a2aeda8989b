import ArgumentParser
import Foundation
import StainShift

/// `stainshift stains`: the built-in stain presets, their unit vectors and sources.
struct Stains: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in stain presets (name, unit vectors, source).",
        discussion: Help.discussion(examples: [
            "stainshift stains",
            "stainshift stains --json > presets.json",
        ]))

    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        if json {
            struct Entry: Encodable { let name: String; let stains: [StainVector]; let text: String; let source: String }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let entries = StainPresets.all.map { Entry(name: $0.name, stains: $0.matrix.givenStains, text: $0.matrix.text, source: $0.citation) }
            let data = try failing("stains") { try encoder.encode(entries) }
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("name\tstain\tr\tg\tb\tsource")
        for preset in StainPresets.all {
            for v in preset.matrix.givenStains {
                print([preset.name, v.role.rawValue, f(v.r), f(v.g), f(v.b), preset.citation].joined(separator: "\t"))
            }
        }
    }

    private func f(_ x: Double) -> String { String(format: "%.5f", x) }
}
