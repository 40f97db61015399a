import Foundation
import GRDB
import GridPassStore
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A registered resident of 东进社区 and the tokens to check them.
struct Scene {
    let guardGate: String       // guard of CP-DJ-E (东进社区东门)
    let guardHF: String         // guard of CP-HF-M (合峰社区正门)
    let guardPSJM: String       // guard of CP-PSJM (平山精密机械 北门)
    let staff: String           // staff of DJ-G1 (3号楼 is in grid 1)
    let admin: String
    let resident: [String: Any] // registration answer

    static func make(_ client: any TestClientProtocol, _ services: AppServices) async throws -> Scene {
        let accounts = AccountService(services: services)
        let door = try await Fixture.poster("DJ-B03-U2", services)
        let (_, resident) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token))
        return Scene(
            guardGate: try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token,
            guardHF: try await accounts.addUser(name: "guard-hf", role: .guard_, scope: "CP-HF-M", password: nil).token,
            guardPSJM: try await accounts.addUser(name: "guard-psjm", role: .guard_, scope: "CP-PSJM", password: nil).token,
            staff: try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G1", password: nil).token,
            admin: try await accounts.addUser(name: "admin", role: .admin, scope: nil, password: nil).token,
            resident: resident)
    }

    var payload: String { (resident["health_code"] as! [String: Any])["payload"] as! String }
    var personID: String { resident["person_id"] as! String }
    var mePath: String { String((resident["me_url"] as! String).dropFirst("http://127.0.0.1:8080".count)) }
}

extension TestClientProtocol {
    func verify(_ code: String, at checkpoint: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await postJSON("/api/v1/verify", ["code": code, "checkpoint": checkpoint], token: token)
    }
}

@Suite("Checkpoint verification")
struct VerifyTests {
    @Test("a green resident passes their community gate, is stopped at another community's and at an enterprise", arguments: Backend.all)
    func gates(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let (status, pass) = try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate)
            #expect(status == .ok)
            #expect(pass["result"] as? String == "pass" && pass["reason"] as? String == "ok" && pass["color"] as? String == "green")
            #expect(pass["name"] as? String == "张*华")
            #expect(pass["place"] as? String == "平山区东明街道东进社区 3号楼 2单元")
            #expect(pass["checked_at"] is String)
            let other = try await client.verify(scene.payload, at: "CP-HF-M", token: scene.guardHF).1
            #expect(other["result"] as? String == "stop" && other["reason"] as? String == "not_resident")
            let factory = try await client.verify(scene.payload, at: "CP-PSJM", token: scene.guardPSJM).1
            #expect(factory["result"] as? String == "stop" && factory["reason"] as? String == "not_employed_here")
        }
    }

    @Test("no token 401, a guard of another checkpoint 403, unknown checkpoint 422", arguments: Backend.all)
    func auth(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            #expect(try await client.postJSON("/api/v1/verify", ["code": scene.payload, "checkpoint": "CP-DJ-E"]).0 == .unauthorized)
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardHF).0 == .forbidden)
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.staff).0 == .forbidden, "the gate is outside a grid's scope")
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.admin).0 == .ok)
            #expect(try await client.verify(scene.payload, at: "NOPE", token: scene.admin).0 == .unprocessableContent)
        }
    }

    @Test("the answer's bytes: exactly checked_at, color, name, place, reason, result in that order, null where absent, UTF-8 unescaped", arguments: Backend.all)
    func answerBytes(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            /// Status, content type and body text of POST /api/v1/verify (by default at the community gate).
            func raw(_ code: String, at checkpoint: String = "CP-DJ-E", token: String? = nil) async throws -> (HTTPResponse.Status, String?, String) {
                let body = try JSONSerialization.data(withJSONObject: ["code": code, "checkpoint": checkpoint])
                return try await client.execute(uri: "/api/v1/verify", method: .post,
                                                headers: [.contentType: "application/json", .authorization: "Bearer \(token ?? scene.guardGate)"],
                                                body: ByteBuffer(bytes: body)) { response in
                    (response.status, response.headers[.contentType], String(buffer: response.body))
                }
            }
            /// The answer's checked_at, after checking its form and that it is between `from` and now.
            func checkedAt(_ text: String, from: Int64) throws -> String {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
                #expect(Set(object.keys) == ["checked_at", "color", "name", "place", "reason", "result"])
                let checked = try #require(object["checked_at"] as? String)
                #expect(checked.wholeMatch(of: try Regex(#"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#)) != nil, "\(checked)")
                let at = Int64(try Date(checked, strategy: .iso8601).timeIntervalSince1970)
                #expect(at >= from && at <= Int64(Date().timeIntervalSince1970) + 1, "\(checked)")
                return checked
            }

            var from = Int64(Date().timeIntervalSince1970)
            let (status, type, pass) = try await raw(scene.payload)
            #expect(status == .ok && type == "application/json; charset=utf-8")
            var checked = try checkedAt(pass, from: from)
            #expect(pass == #"{"checked_at":"\#(checked)","color":"green","name":"张*华","place":"平山区东明街道东进社区 3号楼 2单元","reason":"ok","result":"pass"}"#)

            // A malformed code: no colour, name or place.
            from = Int64(Date().timeIntervalSince1970)
            let (malformedStatus, _, malformed) = try await raw("GP1:HELLO")
            #expect(malformedStatus == .ok)
            checked = try checkedAt(malformed, from: from)
            #expect(malformed == #"{"checked_at":"\#(checked)","color":null,"name":null,"place":null,"reason":"malformed","result":"invalid"}"#)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(malformed.utf8)) as? [String: Any])
            #expect(object["color"] is NSNull && object["name"] is NSNull && object["place"] is NSNull)

            // A well-signed code of nobody: no colour, name or place either.
            let now = Int64(Date().timeIntervalSince1970)
            let nobody = try HealthCode.sign(person: try PersonRef.random(), color: .green, statusVersion: 1, issuedAt: now, expiresAt: now + 60,
                                             with: try #require(services.keyRing.keys().current(.healthCodes)))
            let (_, _, notFound) = try await raw(nobody)
            checked = try checkedAt(notFound, from: now)
            #expect(notFound == #"{"checked_at":"\#(checked)","color":null,"name":null,"place":null,"reason":"not_found","result":"invalid"}"#)

            // A stop keeps the person's name and place (read from the place cache on a second scan).
            let (_, _, stop) = try await raw(scene.payload, at: "CP-HF-M", token: scene.guardHF)
            checked = try checkedAt(stop, from: now)
            #expect(stop == #"{"checked_at":"\#(checked)","color":"green","name":"张*华","place":"平山区东明街道东进社区 3号楼 2单元","reason":"not_resident","result":"stop"}"#)
        }
    }

    @Test("with --code-ttl 2 a code is expired three seconds later")
    func expired() async throws {
        try await TestApp(codeTTL: 2).test { client, services in
            let scene = try await Scene.make(client, services)
            let gate = try #require(try await VerifyService(services: services).checkpoint(code: "CP-DJ-E"))
            let later = try await VerifyService(services: services).verify(scene.payload, at: gate, now: Int64(Date().timeIntervalSince1970) + 3)
            #expect(later.verdict == Verdict(.invalid, "expired"))
        }
    }

    @Test("invalid reasons: flipped character, other data directory, unknown key, not found", arguments: Backend.all)
    func invalid(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            var chars = Array(scene.payload)
            chars[20] = chars[20] == "A" ? "B" : "A"
            let flipped = try await client.verify(String(chars), at: "CP-DJ-E", token: scene.guardGate).1
            #expect(flipped["result"] as? String == "invalid")
            #expect(["bad_signature", "malformed"].contains(flipped["reason"] as? String))
            #expect(try await client.verify("GP1:HELLO", at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "malformed")

            // The same person reference and key id, signed by another data directory's key ring.
            let other = try await AppServices.open(dataDirectory: try makeTemporaryDirectory().path)
            let payload = try HealthCode.verify(scene.payload, keys: services.keyRing.keys(), now: Int64(Date().timeIntervalSince1970)).get()
            let now = Int64(Date().timeIntervalSince1970)
            let foreign = try HealthCode.sign(person: payload.person, color: .green, statusVersion: payload.statusVersion, issuedAt: now,
                                              expiresAt: now + 60, with: try #require(other.keyRing.keys().key(id: payload.keyID, purpose: .healthCodes)))
            #expect(try await client.verify(foreign, at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "bad_signature")

            let stranger = try RingKey(id: 999, purpose: .healthCodes, createdAt: 0, secret: [UInt8](repeating: 1, count: 32))
            let unknown = try HealthCode.sign(person: payload.person, color: .green, statusVersion: 1, issuedAt: now, expiresAt: now + 60, with: stranger)
            #expect(try await client.verify(unknown, at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "unknown_key")

            let nobody = try HealthCode.sign(person: try PersonRef.random(), color: .green, statusVersion: 1, issuedAt: now, expiresAt: now + 60,
                                             with: try #require(services.keyRing.keys().current(.healthCodes)))
            #expect(try await client.verify(nobody, at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "not_found")

        }
    }

    @Test("a staff flag turns the code red and supersedes the old one (a screenshot fails)", arguments: Backend.all)
    func superseded(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let (status, flagged) = try await client.postJSON("/api/v1/people/\(scene.personID)/flags", ["flag": "suspected"], token: scene.staff)
            #expect(status == .created)
            #expect(flagged["color"] as? String == "red")
            let old = try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate).1
            #expect(old["result"] as? String == "invalid" && old["reason"] as? String == "superseded")
            let red = try #require((flagged["health_code"] as? [String: Any])?["payload"] as? String)
            let now = try await client.verify(red, at: "CP-DJ-E", token: scene.guardGate).1
            #expect(now["result"] as? String == "stop" && now["reason"] as? String == "red" && now["color"] as? String == "red")
            let (_, json) = try await client.get(scene.mePath + "/code.json")
            #expect(json.contains("工作人员标记：疑似病例"))
            // Staff of another grid may not flag this person.
            let (_, otherStaff) = try await AccountService(services: services).addUser(name: "hf", role: .staff, scope: "HF", password: nil)
            #expect(try await client.postJSON("/api/v1/people/\(scene.personID)/flags", ["flag": "cleared"], token: otherStaff).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/people/\(scene.personID)/flags", ["flag": "maybe"], token: scene.staff).0 == .unprocessableContent)
        }
    }

    @Test("a pending worker has no code; approved passes only their own enterprise's door; rejected later → revoked", arguments: Backend.all)
    func scanToWork(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            let (_, hr) = try await accounts.addUser(name: "hr", role: .hr, scope: "E-PSJM", password: nil)
            let (_, guardDMSP) = try await accounts.addUser(name: "guard-dmsp", role: .guard_, scope: "CP-DMSP", password: nil)
            let door = try await Fixture.poster("E-PSJM", services)
            let (_, worker) = try await client.postJSON("/api/v1/registrations", Fixture.worker(token: door.token))
            #expect(worker["health_code"] is NSNull)
            let me = String((worker["me_url"] as! String).dropFirst("http://127.0.0.1:8080".count))
            #expect(try await client.get(me + "/code.json").0 == .notFound)
            let id = try #require(worker["person_id"] as? String)
            let (_, approved) = try await client.postJSON("/api/v1/workers/\(id)/approve", [String: Any](), token: hr)
            let payload = try #require((approved["health_code"] as? [String: Any])?["payload"] as? String)
            #expect(try await client.verify(payload, at: "CP-PSJM", token: scene.guardPSJM).1["result"] as? String == "pass")
            let elsewhere = try await client.verify(payload, at: "CP-DMSP", token: guardDMSP).1
            #expect(elsewhere["result"] as? String == "stop" && elsewhere["reason"] as? String == "not_employed_here")
            #expect(try await client.verify(payload, at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "not_resident")
            _ = try await client.postJSON("/api/v1/workers/\(id)/reject", ["reason": "离职"], token: hr)
            #expect(try await client.verify(payload, at: "CP-PSJM", token: scene.guardPSJM).1["reason"] as? String == "revoked")
        }
    }

    @Test("code.png decodes with zbarimg to the payload of code.json; the code stays the same between reads", arguments: Backend.all)
    func codeImage(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let json = try await client.execute(uri: scene.mePath + "/code.json", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
            #expect(json?["payload"] as? String == scene.payload)
            #expect(json?["color"] as? String == "green")
            let png = try await client.execute(uri: scene.mePath + "/code.png", method: .get) { response in
                (response.headers[.contentType], Array(buffer: response.body))
            }
            #expect(png.0 == "image/png")
            #expect(try ZBar.decode(png: png.1) == [scene.payload])
        }
    }

    @Test("daily reports colour the code: a fever gives yellow with its reason; a high-risk region gives red", arguments: Backend.all)
    func reportsAndRisk(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let (status, report) = try await client.postJSON(scene.mePath + "/reports",
                ["temperature": 38.1, "symptoms": ["cough"], "visited": [String](), "contact": "none"])
            #expect(status == .created)
            #expect(report["color"] as? String == "yellow")
            let yellow = try #require((report["health_code"] as? [String: Any])?["payload"] as? String)
            let stop = try await client.verify(yellow, at: "CP-DJ-E", token: scene.guardGate).1
            #expect(stop["result"] as? String == "stop" && stop["reason"] as? String == "yellow")
            #expect(try await client.postJSON(scene.mePath + "/reports", ["temperature": 50]).0 == .unprocessableContent)

            // The registration declared a visit to 110105 today: marking it high-risk turns the code red.
            #expect(try await client.postJSON("/api/v1/risk-regions", ["region": "110105", "level": "high"], token: scene.staff).0 == .forbidden)
            let (riskStatus, risk) = try await client.postJSON("/api/v1/risk-regions", ["region": "110105", "level": "high"], token: scene.admin)
            #expect(riskStatus == .ok && risk["affected"] as? Int == 1)
            let (_, json) = try await client.get(scene.mePath + "/code.json")
            // The reason names the region (issue 21), not its code.
            #expect(json.contains("\"color\":\"red\"") && json.contains("去过高风险地区 北京市朝阳区") && !json.contains("110105"))
            _ = try await client.postJSON("/api/v1/risk-regions", ["region": "110105", "level": "none"], token: scene.admin)
            let (_, after) = try await client.get(scene.mePath + "/code.json")
            #expect(after.contains("\"color\":\"yellow\""), "back to the fever's yellow")
        }
    }

    @Test("after key rotation new codes use the new key and older ones still verify")
    func keyRotation() async throws {  // SQLite: a CLI rotation on the key ring file (two nodes: TwoNodeTests)
        try await TestApp().test { client, services in
            let scene = try await Scene.make(client, services)
            let before = try HealthCode.verify(scene.payload, keys: services.keyRing.keys(), now: Int64(Date().timeIntervalSince1970)).get().keyID
            let added = try await services.keyRing.rotateKeys([.healthCodes])
            let door = try await Fixture.poster("DJ-B01-U1", services)
            let (_, second) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(77), room: "101"))
            let fresh = try #require((second["health_code"] as? [String: Any])?["payload"] as? String)
            let after = try HealthCode.verify(fresh, keys: services.keyRing.keys(), now: Int64(Date().timeIntervalSince1970)).get().keyID
            #expect(after == added[0] && after != before)
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate).1["result"] as? String == "pass")
            #expect(try await client.verify(fresh, at: "CP-DJ-E", token: scene.guardGate).1["result"] as? String == "pass")

            // A rotation by another process on the data directory (`gridpass keys rotate` while serving)
            // signs the very next code.
            let cli = try DataDirectory(path: services.data!.url.path).openKeyRing()
            let third = try cli.rotate([.healthCodes])
            let (_, next) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(78), room: "102"))
            let newest = try #require((next["health_code"] as? [String: Any])?["payload"] as? String)
            #expect(try HealthCode.verify(newest, keys: cli.keys(), now: Int64(Date().timeIntervalSince1970)).get().keyID == third[0].id)
            #expect(try await client.verify(newest, at: "CP-DJ-E", token: scene.guardGate).1["result"] as? String == "pass")
        }
    }

    @Test("the Authorization scheme is case-insensitive (RFC 7235 §2.1, RFC 6750 §2.1); other schemes and malformed headers are anonymous", arguments: Backend.all)
    func bearerScheme(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let body = try JSONSerialization.data(withJSONObject: ["code": scene.payload, "checkpoint": "CP-DJ-E"])
            func status(_ authorization: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/verify", method: .post,
                                         headers: [.contentType: "application/json", .authorization: authorization],
                                         body: ByteBuffer(bytes: body)) { $0.status }
            }
            for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
                #expect(try await status("\(scheme) \(scene.guardGate)") == .ok, "\(scheme)")
            }
            for header in ["Basic \(scene.guardGate)", "Bearer", "Bearer ", "Bearer\(scene.guardGate)", "Bearer\t\(scene.guardGate)",
                           "Bearers \(scene.guardGate)", "Bearer \(scene.guardGate)x", "Bearer \(scene.guardGate.dropLast())",
                           "Bearer \(scene.guardGate.lowercased())", "\(scene.guardGate)"] {
                #expect(try await status(header) == .unauthorized, "\(header)")
            }
        }
    }
}

@Suite("Scan log over HTTP")
struct ScanLogHTTPTests {
    @Test("every answered scan is in the scan log once the server has stopped, the last ones (written at shutdown) included")
    func everyScanLogged() async throws {
        let app = try TestApp()
        let sent = try await app.test { client, services in
            let scene = try await Scene.make(client, services)
            var results: [String] = []
            for (code, checkpoint, token) in [(scene.payload, "CP-DJ-E", scene.guardGate), (scene.payload, "CP-HF-M", scene.guardHF),
                                              (scene.payload + "A", "CP-DJ-E", scene.guardGate), ("GP1:NOPE", "CP-PSJM", scene.guardPSJM)] {
                let (status, answer) = try await client.verify(code, at: checkpoint, token: token)
                #expect(status == .ok)
                results.append(try #require(answer["result"] as? String))
            }
            return results
        }
        #expect(sent == ["pass", "stop", "invalid", "invalid"])
        // The app has stopped: whatever it acknowledged must be in the database now.
        let pool = try DataDirectory(path: app.config.dataDirectory).openDatabase()
        let logged = try await pool.read { db in try String.fetchAll(db, sql: "SELECT result FROM scan ORDER BY id") }
        #expect(logged == sent, "\(logged)")
    }
}
