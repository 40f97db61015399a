import Foundation
import GridPassCore
@testable import GridPassPostgres
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Registration API")
struct RegistrationAPITests {
    @Test("a resident registers (201) with a green code, registers again (200, same person)", arguments: Backend.all)
    func resident(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let (status, body) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token))
            #expect(status == .created)
            #expect(body["kind"] as? String == "resident")
            #expect(body["status"] as? String == "active")
            let code = try #require(body["health_code"] as? [String: Any])
            #expect(code["color"] as? String == "green")
            #expect((code["payload"] as? String)?.hasPrefix("GP1:") == true)
            let meURL = try #require(body["me_url"] as? String)
            #expect(meURL.hasPrefix("http://127.0.0.1:8080/me/"))
            let (again, second) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, room: "302"))
            #expect(again == .ok)
            #expect(second["person_id"] as? String == body["person_id"] as? String)
            #expect(try await services.people.count() == 1)
            let page = try await client.get(String(meURL.dropFirst("http://127.0.0.1:8080".count)))
            #expect(page.0 == .ok)
            #expect(page.1.contains("张*华") && page.1.contains("3号楼 2单元") && !page.1.contains("张三华"))
        }
    }

    @Test("knowing someone's identity number is not enough to take over their record: another phone is refused", arguments: Backend.all)
    func takeover(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let (_, first) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token))
            let (status, body) = try await client.postJSON("/api/v1/registrations",
                                                           Fixture.resident(token: door.token, room: "302", extra: ["name": "李四", "phone": "13912345678"]))
            #expect(status == .unprocessableContent)
            #expect(body.errorFields == ["phone"])
            #expect(body["me_url"] == nil)
            let personID = try #require(first["person_id"] as? String)
            #expect(try await services.people.person(id: personID)?.name == "张三华")
            #expect(try await services.people.person(id: personID)?.room == "301")
        }
    }

    @Test("every bad field is named at once and nothing is stored", arguments: Backend.all)
    func invalid(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let bad = Fixture.resident(token: door.token, id: "110105198506150010", room: "999", extra: [
                "phone": "12800138000", "name": "<b>x</b>", "temperature": 45.1, "symptoms": ["sneezing"],
                "visited": ["999999"], "contact": "maybe", "consent": false, "nickname": "x",
            ])
            let (status, body) = try await client.postJSON("/api/v1/registrations", bad)
            #expect(status == .unprocessableContent)
            #expect(Set(body.errorFields) == ["name", "id_number", "phone", "room", "temperature", "symptoms", "visited", "contact", "consent", "nickname"])
            #expect(try await services.people.count() == 0)
        }
    }

    @Test("wrong type → 422 for that field; malformed JSON → 400; over 64 KiB → 413; bad token → 422 token", arguments: Backend.all)
    func bodies(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let (typeStatus, typeBody) = try await client.postJSON("/api/v1/registrations",
                                                                  Fixture.resident(token: door.token, extra: ["temperature": "36.5"]))
            #expect(typeStatus == .unprocessableContent)
            #expect(typeBody.errorFields == ["temperature"])
            let malformed = try await client.execute(uri: "/api/v1/registrations", method: .post,
                                                     headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"name\": ")) { $0.status }
            #expect(malformed == .badRequest)
            let notObject = try await client.execute(uri: "/api/v1/registrations", method: .post, body: ByteBuffer(string: "[1]")) { $0.status }
            #expect(notObject == .badRequest)
            let huge = Fixture.resident(token: door.token, extra: ["name": String(repeating: "张", count: 30_000)])
            #expect(try await client.postJSON("/api/v1/registrations", huge).0 == .contentTooLarge)
            var tampered = Array(door.token)
            tampered[5] = tampered[5] == "A" ? "B" : "A"
            let (tokenStatus, tokenBody) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: String(tampered)))
            #expect(tokenStatus == .unprocessableContent)
            #expect(tokenBody.errorFields == ["token"])
            let checkpoint = try await Fixture.poster("CP-DJ-E", services)
            #expect(try await client.postJSON("/api/v1/registrations", Fixture.resident(token: checkpoint.token)).1.errorFields == ["token"])
            #expect(try await services.people.count() == 0)
        }
    }

    @Test("50 concurrent identical registrations: one record, one 201 and 49 × 200, one person_id", arguments: Backend.all)
    func concurrent(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let door = try await Fixture.poster("DJ-B01-U1", services)
            let body = Fixture.resident(token: door.token, id: Fixture.idNumber(42))
            let data = try JSONSerialization.data(withJSONObject: body)
            let results = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/registrations", method: .post,
                                                 headers: [.contentType: "application/json"], body: ByteBuffer(bytes: data)) { response in
                            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                            return (response.status, json?["person_id"] as? String ?? "")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.0 == .created }.count == 1)
            #expect(results.filter { $0.0 == .ok }.count == 49)
            #expect(Set(results.map(\.1)).count == 1)
            #expect(try await services.people.count() == 1)
        }
    }

    @Test("identity number and phone are encrypted at rest and decrypt for the record", arguments: Backend.all)
    func encrypted(_ backend: Backend) async throws {
        var app = try TestApp(backend: backend)
        app.config = try await app.prepared()  // PostgreSQL: the database is known before the test, to read it below
        try await app.test { [app] client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let id = Fixture.idNumber(5)
            let (_, body) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: id))
            let personID = try #require(body["person_id"] as? String)
            let contact = try #require(try await services.people.contact(of: personID))
            #expect(contact.idNumber == id && contact.phone == "13800138000")
            let dir = URL(fileURLWithPath: app.config.dataDirectory)
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(file))
                #expect(bytes.range(of: Data(id.utf8)) == nil, "\(file) holds the identity number in clear")
                #expect(bytes.range(of: Data("13800138000".utf8)) == nil, "\(file) holds the phone in clear")
            }
            // PostgreSQL: the data directory holds only the master key; the rows at rest are the database's.
            if case .postgres(let url, _) = app.config.effectiveStore {
                let database = try await PostgresDatabase.open(try PostgresURL(url))
                defer { database.close() }
                let tables = try await database.client.rows("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'") {
                    try $0.get(0, as: String.self)
                }
                #expect(tables.contains("person") && tables.contains("declaration"))
                for table in tables {
                    // Every row as text (BYTEA spelled \x and lower-case hex): the clear values in either spelling.
                    let rows = try await database.client.rows("SELECT t::text FROM \"\(unescaped: table)\" t") { try $0.get(0, as: String.self) }
                    if table == "person" { #expect(rows.count == 1, "the registered person is read") }
                    for row in rows {
                        for (value, what) in [(id, "identity number"), ("13800138000", "phone")] {
                            let hex = Data(value.utf8).map { String(format: "%02x", $0) }.joined()
                            #expect(!row.contains(value) && !row.contains(hex), "\(table) holds the \(what) in clear: \(row)")
                        }
                    }
                }
            }
        }
    }
}
