import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The parts of a Graphviz SVG the tests check: every `<text>` and every `<g class>`.
/// Parsing with `XMLParser` also proves the output is well-formed XML.
struct SVGSummary {
    var texts: [String] = []
    var groupClasses: [String] = []
    var titles: [String] = []

    struct ParseFailure: Error { var message: String }

    init(data: Data) throws {
        let delegate = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw ParseFailure(message: parser.parserError.map { "\($0)" } ?? "invalid XML")
        }
        texts = delegate.texts
        groupClasses = delegate.groupClasses
        titles = delegate.titles
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var groupClasses: [String] = []
        var titles: [String] = []
        private var current: String?
        private var characters = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if name == "g", let kind = attributes["class"] { groupClasses.append(kind) }
            if name == "text" || name == "title" {
                current = name
                characters = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if current != nil { characters += string }
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
            qualifiedName: String?
        ) {
            guard name == current else { return }
            if name == "text" { texts.append(characters) } else { titles.append(characters) }
            current = nil
        }
    }
}
