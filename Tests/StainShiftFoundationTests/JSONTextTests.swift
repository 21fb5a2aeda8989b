import Testing
import StainShiftFoundation

@Suite struct JSONTextTests {
    /// A number without a value is `null` (valid JSON), never a made-up 0.
    @Test func nonFiniteNumbersAreNull() {
        #expect(JSONText.number(.nan) == "null")
        #expect(JSONText.number(.infinity) == "null")
        let doc = JSONText.object([("a", .number(.nan)), ("b", .decimal(.nan, places: 4)), ("c", .array([.number(-.infinity)]))])
        #expect(doc.render() == "{\n  \"a\": null,\n  \"b\": null,\n  \"c\": [null]\n}")
        #expect(doc.compact() == #"{"a":null,"b":null,"c":[null]}"#)
    }

    @Test func decimalsKeepTheirPlacesAndLoseANegativeZeroSign() {
        #expect(JSONText.decimal(12.34, places: 4).render() == "12.3400")
        #expect(JSONText.fixed(-0.00001, places: 4) == "0.0000")
        #expect(JSONText.fixed(-1.5, places: 0) == "-2")
        #expect(JSONText.number(2.50) == "2.5" && JSONText.number(-0.00001) == "0")
    }
}

@Suite struct FileErrorTests {
    @Test func describesTheFileAndTheProblemOnOneLine() {
        let e = FileError(path: "a/b.tif", reason: "not a TIFF file")
        #expect(e.description == "a/b.tif: not a TIFF file")
        #expect(e == FileError(path: "a/b.tif", reason: "not a TIFF file"))
    }
}
