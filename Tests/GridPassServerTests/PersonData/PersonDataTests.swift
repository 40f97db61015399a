import Foundation
import GRDB
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The person's data: export and deletion (CONTRACT §12)")
struct PersonDataTests {
    @Test("the export holds everything stored about the person, decrypted; deletion makes codes and cards not_found, the page 404, counts drop, the audit keeps only the deletion", arguments: Backend.all)
    func exportAndDelete(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let me = scene.mePath
            _ = try await client.postJSON(me + "/reports", ["temperature": 37.9, "symptoms": ["cough"], "visited": [String](), "contact": "none"])
            _ = try await client.postJSON(me + "/appeals", ["reason": "只是感冒"])
            _ = try await client.postJSON(me + "/problems", ["category": "hygiene", "text": "楼道垃圾没人清"])
            let arrival = Day(unixSeconds: Int64(Date().timeIntervalSince1970)).advanced(by: 3).iso
            _ = try await client.postJSON(me + "/visitors", ["name": "张小红", "phone": "13700001111", "arrival": arrival, "days": 1])
            let (cardStatus, card) = try await client.postJSON("/api/v1/people/\(scene.personID)/card", [String: Any](), token: scene.admin)
            #expect(cardStatus == .created)
            let payload = try #require((try await client.json(.get, me + "/code.json").1)["payload"] as? String)
            _ = try await client.verify(payload, at: "CP-DJ-E", token: scene.guardGate)
            try await Task.sleep(for: .milliseconds(600))  // scans are logged in batches every 200 ms

            let (status, export) = try await client.json(.get, me + "/export")
            #expect(status == .ok)
            let person = try #require(export["person"] as? [String: Any])
            #expect(person["name"] as? String == "张三华" && person["id_number"] as? String == Fixture.idNumber(1))
            #expect(person["phone"] as? String == "13800138000" && person["room"] as? String == "301")
            #expect((export["declarations"] as? [[String: Any]])?.count == 2)
            #expect((export["appeals"] as? [[String: Any]])?.count == 1 && (export["problems"] as? [[String: Any]])?.count == 1)
            #expect((export["visitors"] as? [[String: Any]])?.count == 1 && (export["cards"] as? [[String: Any]])?.count == 1)
            let scans = export["scans"] as? [[String: Any]] ?? []
            #expect(scans.count >= 1 && (scans.last?["checkpoint"] as? String)?.contains("东门") == true)
            #expect(((export["health"] as? [String: Any])?["current_code"] as? [String: Any])?["payload"] as? String == payload)

            let before = try await services.people.count()
            let (refused, errors) = try await client.postJSON(me + "/delete", ["confirm": false])
            #expect(refused == .unprocessableContent && errors.errorFields == ["confirm"])
            #expect(try await client.postJSON(me + "/delete", ["confirm": true]).0 == .ok)
            #expect(try await client.page(me).0 == .notFound)
            #expect(try await client.json(.get, me + "/export").0 == .notFound)
            let verdict = try await client.verify(payload, at: "CP-DJ-E", token: scene.guardGate).1
            #expect(verdict["result"] as? String == "invalid" && verdict["reason"] as? String == "not_found")
            let cardVerdict = try await client.verify(try #require(card["card"] as? String), at: "CP-DJ-E", token: scene.guardGate).1
            #expect(cardVerdict["reason"] as? String == "not_found")
            #expect(try await services.people.count() == before - 1)
            let audit = try await services.staff.audit(before: nil, limit: 50)
            #expect(!audit.contains { $0.target.contains(scene.personID) }, "no audit line names them any more")
            #expect(audit.contains { $0.action == .deletion })
        }
    }

    @Test("staff in scope delete on request (403 outside, 401 without a token); the data directory's files no longer hold the blind index or ciphertexts")
    func staffDeletionAndFiles() async throws {
        let app = try TestApp()
        let dataPath = app.config.dataDirectory
        try await app.test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            let grid2 = try await accounts.addUser(name: "grid2-staff", role: .staff, scope: "DJ-G2", password: nil).token
            let ref = try #require(PersonRef(hex: scene.personID))
            let db = try DatabaseQueue(path: dataPath + "/gridpass.sqlite")
            let secrets: [Data] = try await db.read { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT id_index, id_number_enc, phone_enc FROM person WHERE ref = ?", arguments: [Data(ref.bytes)]))
                return [row[0], row[1], row[2]]
            }
            try db.close()
            #expect(try await client.json(.delete, "/api/v1/people/\(scene.personID)").0 == .unauthorized)
            #expect(try await client.json(.delete, "/api/v1/people/\(scene.personID)", token: grid2).0 == .forbidden)
            #expect(try await client.json(.delete, "/api/v1/people/\(scene.personID)", token: scene.staff).0 == .ok)
            #expect(try await client.json(.delete, "/api/v1/people/\(scene.personID)", token: scene.staff).0 == .notFound)
            var bytes = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: dataPath) {
                bytes += (try? Data(contentsOf: URL(fileURLWithPath: dataPath + "/" + file))) ?? Data()
            }
            #expect(bytes.count > 10_000)
            for secret in secrets { #expect(bytes.range(of: secret) == nil, "\(secret.count) bytes of theirs are still in the files") }
        }
    }
}
