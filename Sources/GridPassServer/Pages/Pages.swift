import Foundation
import GridPassCore
import GridPassResources
import Hummingbird
import Mustache

/// The mustache templates under `Resources/templates`. Mustache escapes every `{{value}}`, so
/// nothing a user typed reaches a page unescaped.
public struct Pages: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> Pages {
        guard let dir = GridPassResources.url("templates")?.path else { throw PagesError.missing("templates") }
        return Pages(library: try await MustacheLibrary(directory: dir))
    }

    /// Renders `template` with `values` and the strings of `language` under `t`.
    func render(_ template: String, _ values: [String: Any], language: Language) throws -> String {
        var values = values
        values["t"] = language.strings
        values["lang"] = language.rawValue
        values["timeZone"] = LocalZone.deployment.identifier
        guard let html = library.render(values, withTemplate: template) else { throw PagesError.missing(template) }
        return html
    }

    /// A whole HTML response.
    func page(_ template: String, _ values: [String: Any], language: Language, status: HTTPResponse.Status = .ok) throws -> Response {
        Response.html(try render(template, values, language: language), status: status)
    }
}

enum PagesError: Error, CustomStringConvertible {
    case missing(String)
    var description: String {
        switch self { case .missing(let name): "template \(name) is missing from the resources" }
    }
}

extension Response {
    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status,
                 headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                           .init("X-Content-Type-Options")!: "nosniff",
                           .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
