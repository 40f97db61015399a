import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

extension TestClientProtocol {
    /// The served document, parsed.
    func openAPI() async throws -> OpenAPIDocument {
        let (contentType, text) = try await execute(uri: "/openapi.yaml", method: .get) { response in
            #expect(response.status == .ok)
            return (response.headers[.contentType], String(buffer: response.body))
        }
        #expect(contentType?.hasPrefix("application/yaml") == true)
        return try OpenAPIDocument(yaml: text)
    }

    /// A request with an optional JSON body and bearer token; the answer parsed as JSON.
    func json(_ method: HTTPRequest.Method, _ uri: String, _ body: Any? = nil, token: String? = nil) async throws -> (Int, JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await execute(uri: uri, method: method, headers: headers, body: data.map { ByteBuffer(bytes: $0) }) { response in
            (response.status.code, try JSONParser.parse(bytes: Array(buffer: response.body)))
        }
    }
}

@Suite("OpenAPI document")
struct OpenAPITests {
    /// The router's routes that are HTML pages, not the JSON API: the only ones the document leaves out.
    static func isPage(_ path: String) -> Bool {
        // "/R/{token}/problems": the upper-case twin of /r/{token}/problems (poster QR codes are upper case).
        ["/checkpoint", "/checkpoint/signin/{secret}", "/cards/{secret}", "/me/{token}/notices/{id}", "/R/{token}/problems",
         "/me/{token}", "/r/{token}", "/R/{token}"].contains(path) || path == "/staff" || path.hasPrefix("/staff/")
    }

    @Test("it is OpenAPI 3.1 with info and paths; every $ref resolves; path parameters and security schemes are declared", arguments: Backend.all)
    func valid(_ backend: Backend) async throws {
        try await TestApp(demo: false, backend: backend).test { client, _ in
            let doc = try await client.openAPI()
            #expect(doc.root["openapi"]?.string?.hasPrefix("3.1.") == true)
            #expect(doc.root["info"]?["title"]?.string != nil && doc.root["info"]?["version"]?.string != nil)
            #expect(!doc.operations.isEmpty)
            for ref in doc.references {
                do { _ = try doc.resolve(ref) } catch { Issue.record("\(error)") }
            }
            let schemes = Set(doc.root["components"]?["securitySchemes"]?.members.map(\.key) ?? [])
            var operationIDs = Set<String>()
            for (method, path) in doc.operations {
                let item = try #require(doc.root["paths"]?[path])
                let operation = try #require(item[method.lowercased()])
                #expect(!(operation["responses"]?.members.isEmpty ?? true), "\(method) \(path) has no responses")
                let operationID = operation["operationId"]?.string ?? ""
                let isNew = operationIDs.insert(operationID).inserted
                #expect(!operationID.isEmpty && isNew, "\(method) \(path): operationId missing or repeated")
                let declared = try ((item["parameters"].map(Self.items) ?? []) + (operation["parameters"].map(Self.items) ?? []))
                    .map(doc.dereferenced).filter { $0["in"]?.string == "path" && $0["required"].map { OpenAPIDocument.same($0, .bool(true)) } == true }
                    .compactMap { $0["name"]?.string }
                let inPath = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
                #expect(Set(declared) == Set(inPath), "\(method) \(path): path parameters \(declared) vs \(inPath)")
                for requirement in operation["security"].map(Self.items) ?? [] {
                    #expect(requirement.members.allSatisfy { schemes.contains($0.key) }, "\(method) \(path): unknown security scheme")
                }
            }
        }
    }

    @Test("every documented operation is a route of the router, and every JSON route is documented", arguments: Backend.all)
    func matchesRouter(_ backend: Backend) async throws {
        var app = try TestApp(demo: false, backend: backend)
        app.config = try await app.prepared()  // the router below and the app's on the same store
        let services = try await AppServices.open(app.config.effectiveStore)
        let routes = Set(buildRouter(services, config: app.config).routes.map { "\($0.method) \($0.path)" })
        let jsonRoutes = routes.filter { !Self.isPage(String($0.split(separator: " ")[1])) }
        try await app.test { client, _ in
            let documented = Set(try await client.openAPI().operations.map { "\($0.method) \($0.path)" })
            #expect(documented.subtracting(routes).sorted() == [], "documented but not routed")
            #expect(jsonRoutes.subtracting(documented).sorted() == [], "routed but not documented")
            #expect(jsonRoutes.contains("POST /api/v1/verify") && jsonRoutes.contains("GET /metrics"))
        }
    }

    @Test("real answers have the documented shapes", arguments: Backend.all)
    func answers(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let doc = try await client.openAPI()
            let scene = try await Scene.make(client, services)
            func check(_ method: HTTPRequest.Method, _ path: String, _ answer: (Int, JSONValue), expect status: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(answer.0 == status, "\(method) \(path)", sourceLocation: sourceLocation)
                let schema = try doc.responseSchema(method.rawValue, path, status: answer.0)
                let problems = try doc.violations(of: schema, by: answer.1)
                #expect(problems.isEmpty, "\(method) \(path) \(answer.0): \(problems)", sourceLocation: sourceLocation)
            }
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let factory = try await Fixture.poster("E-PSJM", services)
            let me = scene.mePath
            try check(.post, "/api/v1/registrations", try await client.json(.post, "/api/v1/registrations", Fixture.resident(token: door.token)), expect: 200)
            try check(.post, "/api/v1/registrations", try await client.json(.post, "/api/v1/registrations", ["token": door.token]), expect: 422)
            try check(.post, "/api/v1/registrations", try await client.json(.post, "/api/v1/registrations", ["token": 1, "name": "x"]), expect: 422)
            let worker = try await client.json(.post, "/api/v1/registrations", Fixture.worker(token: factory.token))
            try check(.post, "/api/v1/registrations", worker, expect: 201)
            let workerID = try #require(worker.1["person_id"]?.string)
            try check(.post, "/api/v1/workers/{id}/approve", try await client.json(.post, "/api/v1/workers/\(workerID)/approve", token: scene.admin), expect: 200)
            try check(.post, "/api/v1/workers/{id}/reject", try await client.json(.post, "/api/v1/workers/nobody/reject", token: scene.admin), expect: 404)
            try check(.post, "/api/v1/verify", try await client.json(.post, "/api/v1/verify", ["code": scene.payload, "checkpoint": "CP-DJ-E"], token: scene.guardGate), expect: 200)
            try check(.post, "/api/v1/verify", try await client.json(.post, "/api/v1/verify", ["code": "GP1:AAAA", "checkpoint": "CP-DJ-E"], token: scene.guardGate), expect: 200)
            try check(.post, "/api/v1/verify", try await client.json(.post, "/api/v1/verify", ["code": scene.payload, "checkpoint": "CP-DJ-E"]), expect: 401)
            try check(.post, "/api/v1/verify", try await client.json(.post, "/api/v1/verify", ["code": scene.payload, "checkpoint": "CP-DJ-E"], token: scene.guardHF), expect: 403)
            try check(.get, "/api/v1/me", try await client.json(.get, "/api/v1/me", token: scene.guardGate), expect: 200)
            try check(.get, "/api/v1/regions", try await client.json(.get, "/api/v1/regions?q=110105"), expect: 200)
            try check(.post, "/api/v1/risk-regions", try await client.json(.post, "/api/v1/risk-regions", ["region": "110105", "level": "medium"], token: scene.admin), expect: 200)
            try check(.get, "/api/v1/risk-regions", try await client.json(.get, "/api/v1/risk-regions", token: scene.staff), expect: 200)
            try check(.post, "/me/{token}/reports", try await client.json(.post, me + "/reports", ["temperature": 36.6, "contact": "none"]), expect: 201)
            try check(.post, "/api/v1/people/{id}/flags", try await client.json(.post, "/api/v1/people/\(scene.personID)/flags", ["flag": "suspected"], token: scene.staff), expect: 201)
            try check(.get, "/me/{token}/code.json", try await client.json(.get, me + "/code.json"), expect: 200)
            try check(.get, "/me/{token}/code.json", try await client.json(.get, "/me/NOSUCHTOKEN/code.json"), expect: 404)
        }
    }

    static func items(_ value: JSONValue) -> [JSONValue] {
        if case .array(let items) = value { items } else { [] }
    }
}
