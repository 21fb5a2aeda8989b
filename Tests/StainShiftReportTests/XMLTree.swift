import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A minimal element tree built with `XMLParser`: parsing fails unless the report is
/// well-formed XML, and tests then query elements by name, class and attribute.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All descendants (depth first, document order) named `name`, optionally with a class.
    func all(_ name: String, class cls: String? = nil) -> [XMLNode] {
        var out: [XMLNode] = []
        for child in children {
            if child.name == name, cls == nil || child.hasClass(cls ?? "") { out.append(child) }
            out += child.all(name, class: cls)
        }
        return out
    }

    func hasClass(_ cls: String) -> Bool {
        (attributes["class"] ?? "").split(separator: " ").contains(Substring(cls))
    }

    /// Concatenated text of this element and its descendants.
    var allText: String { text + children.map(\.allText).joined() }

    static func parse(_ document: String) throws -> XMLNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw XMLTreeError(detail: "\(builder.problem ?? parser.parserError.map { "\($0)" } ?? "no root") at line \(parser.lineNumber), column \(parser.columnNumber)")
        }
        // libxml2 in recovery mode lets some mismatched end tags through; check nesting here.
        if let problem = builder.problem { throw XMLTreeError(detail: problem) }
        guard builder.stack.isEmpty else { throw XMLTreeError(detail: "unclosed <\(builder.stack.last?.name ?? "")>") }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        var problem: String?

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let open = stack.popLast(), open.name == name else {
                if problem == nil { problem = "</\(name)> closes <\(stack.last?.name ?? "nothing")> at line \(parser.lineNumber)" }
                parser.abortParsing()
                return
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

struct XMLTreeError: Error, CustomStringConvertible {
    let detail: String
    var description: String { "not well-formed XML: \(detail)" }
}
