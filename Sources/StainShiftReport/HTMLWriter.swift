/// Builds XHTML-compatible markup (the SVG plots; the page itself comes from the report templates):
/// every element is closed, void elements self-close, attribute values and text are escaped.
/// Attribute order is the caller's, so output is stable.
struct HTMLWriter {
    private(set) var text = ""

    typealias Attributes = KeyValuePairs<String, String>

    /// HTML void elements: written `<br/>`; every other element gets an explicit end tag,
    /// because `<div/>` would be an unclosed start tag to an HTML parser.
    private static let void: Set<String> = ["br", "hr", "img", "meta", "link", "col", "wbr"]

    mutating func open(_ tag: String, _ attributes: Attributes = [:]) {
        text += "<" + tag
        appendAttributes(attributes)
        text += ">"
    }

    mutating func close(_ tag: String) { text += "</" + tag + ">" }

    /// `<tag attributes>escaped text</tag>`, or `<tag attributes/>` for a void or SVG leaf element.
    mutating func element(_ tag: String, _ attributes: Attributes = [:], _ content: String = "") {
        text += "<" + tag
        appendAttributes(attributes)
        if content.isEmpty && Self.void.contains(tag) {
            text += "/>"
        } else {
            text += ">" + XMLText.escape(content) + "</" + tag + ">"
        }
    }

    /// An SVG shape (no content): `<line .../>`.
    mutating func shape(_ tag: String, _ attributes: Attributes) {
        text += "<" + tag
        appendAttributes(attributes)
        text += "/>"
    }

    /// `<tag>` ... `</tag>` around what `body` writes.
    mutating func wrap(_ tag: String, _ attributes: Attributes = [:], _ body: (inout HTMLWriter) -> Void) {
        open(tag, attributes)
        body(&self)
        close(tag)
    }

    private mutating func appendAttributes(_ attributes: Attributes) {
        for (name, value) in attributes {
            text += " " + name + "=\"" + XMLText.escape(value) + "\""
        }
    }
}
