import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Two nodes on one PostgreSQL database (issue 14, CONTRACT §8): what one answered is in force at
/// the next request on the other. Each node is the real application; the CLI is a third opening.
@Suite("Two nodes on one PostgreSQL database", .enabled(if: TestPostgres.url != nil))
struct TwoNodeTests {
    /// Two applications on one new database (the demo imported by A) and a CLI opening beside both.
    static func withTwoNodes(_ body: @Sendable (any TestClientProtocol, any TestClientProtocol, AppServices) async throws -> Void) async throws {
        let config = try await TestApp(backend: .postgres).prepared()
        let appA = try await buildApplication(config)
        var configB = config
        configB.demo = false
        let appB = try await buildApplication(configB)
        let cli = try await AppServices.open(config.effectiveStore)
        try await appA.test(.router) { a in
            try await appB.test(.router) { b in try await body(a, b, cli) }
        }
    }

    @Test("register on A, pass on B; a flag on B supersedes at A; poster rotation and keys from the CLI; users, sessions and lockouts across both")
    func twoNodes() async throws {
        try await Self.withTwoNodes { a, b, cli in
            let accounts = AccountService(services: cli)
            let guardGate = try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token
            let staff = try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G1", password: nil).token
            try await StaffUsers.add(cli)

            // Register on A, verify on B.
            let door = try await Fixture.poster("DJ-B03-U2", cli)
            let (status, resident) = try await a.postJSON("/api/v1/registrations", Fixture.resident(token: door.token))
            #expect(status == .created)
            let payload = try #require((resident["health_code"] as? [String: Any])?["payload"] as? String)
            let id = try #require(resident["person_id"] as? String)
            #expect(try await b.verify(payload, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")
            #expect(try await a.verify(payload, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")

            // A staff flag on B: the older code is superseded at A's very next scan.
            let (flagged, _) = try await b.postJSON("/api/v1/people/\(id)/flags", ["flag": "suspected"], token: staff)
            #expect(flagged == .created || flagged == .ok)
            #expect(try await a.verify(payload, at: "CP-DJ-E", token: guardGate).1["reason"] as? String == "superseded")

            // `poster rotate` from the CLI: 410 on both at once.
            _ = try await cli.places.rotatePoster(code: "DJ-B03-U2")
            #expect(try await a.get(door.path).0 == .gone)
            #expect(try await b.get(door.path).0 == .gone)

            // `keys rotate` from the CLI: B's next code carries the new key; older codes still verify on both.
            let other = try await Fixture.poster("DJ-B01-U1", cli)
            let (_, before) = try await b.postJSON("/api/v1/registrations", Fixture.resident(token: other.token, id: Fixture.idNumber(70), room: "101"))
            let oldCode = try #require((before["health_code"] as? [String: Any])?["payload"] as? String)
            let added = try await cli.keyRing.rotateKeys([.healthCodes])
            let (_, after) = try await b.postJSON("/api/v1/registrations", Fixture.resident(token: other.token, id: Fixture.idNumber(71), room: "102"))
            let newCode = try #require((after["health_code"] as? [String: Any])?["payload"] as? String)
            try await cli.keyRing.refreshForSigning()
            #expect(try HealthCode.verify(newCode, keys: cli.keyRing.keys(), now: Int64(Date().timeIntervalSince1970)).get().keyID == added[0])
            for node in [a, b] {
                #expect(try await node.verify(oldCode, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")
                #expect(try await node.verify(newCode, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")
            }

            // Staff sign-in on A is valid on B; sign-out on B ends it on A.
            let onA = StaffBrowser(a), onB = StaffBrowser(b)
            #expect(try await onA.login("grid1", StaffUsers.password).status == .seeOther)
            onB.cookies = onA.cookies
            let home = try await onB.get("/staff")
            #expect(home.status == .ok)
            #expect(try await onB.submit("/staff/logout", [:], tokenFrom: home).status == .seeOther)
            #expect(try await onA.get("/staff").status == .seeOther, "signed out on B: A sends to the sign-in page")

            // Failed sign-ins count across both nodes: the fifth locks, wherever it lands.
            var statuses: [HTTPResponse.Status] = []
            for attempt in 0..<6 {
                statuses.append(try await StaffBrowser(attempt % 2 == 0 ? a : b).login("grid2", "wrong").status)
            }
            #expect(statuses == Array(repeating: .unauthorized, count: 4) + [.tooManyRequests, .tooManyRequests])
        }
    }

    @Test("50 concurrent identical registrations spread over two nodes: one record, one 201 and 49 × 200, one person_id, one declaration each")
    func concurrentOverTwoNodes() async throws {
        try await Self.withTwoNodes { a, b, cli in
            let door = try await Fixture.poster("DJ-B01-U1", cli)
            let data = try JSONSerialization.data(withJSONObject: Fixture.resident(token: door.token, id: Fixture.idNumber(42)))
            let results = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for n in 0..<50 {
                    group.addTask {
                        try await (n % 2 == 0 ? a : b).execute(uri: "/api/v1/registrations", method: .post,
                                                               headers: [.contentType: "application/json"], body: ByteBuffer(bytes: data)) { response in
                            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                            return (response.status, json?["person_id"] as? String ?? "")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.0 == .created }.count == 1)
            #expect(results.filter { $0.0 == .ok }.count == 49, "\(results.map(\.0))")
            #expect(Set(results.map(\.1)).count == 1)
            #expect(try await cli.people.count() == 1)
            let id = try #require(results.first?.1)
            let ref = try #require(PersonRef(hex: id))
            #expect(try await cli.health.healthRecord(ref)?.declarations.count == 50)
        }
    }
}

@Suite("Moving a district: gridpass migrate", .enabled(if: TestPostgres.url != nil))
struct MigrateTests {
    @Test("an SQLite data directory with registrations copied into PostgreSQL: counts equal; an old poster and an old code work there; a second copy is refused")
    func migrate() async throws {
        let sqlite = try TestApp()
        let (posterPath, payload, guardToken, places) = try await sqlite.test { client, services in
            let guardToken = try await AccountService(services: services).addUser(name: "gate", role: .guard_, scope: "CP-DJ-E", password: nil).token
            let door = try await Fixture.poster("DJ-B03-U2", services)
            var payload = ""
            for seq in 1...3 {
                let (_, answer) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(seq), room: "301"))
                payload = try #require((answer["health_code"] as? [String: Any])?["payload"] as? String)
            }
            return (door.path, payload, guardToken, try await services.places.count())
        }
        let target = try await TestPostgres.emptyDatabase()
        let keyFile = try makeTemporaryDirectory().appendingPathComponent("master.key").path
        let report = try await StoreMigration.copy(fromData: sqlite.config.dataDirectory, to: target, masterKeyFile: keyFile)
        #expect(report.complete && report.keys == 3)
        #expect(report.tables.first { $0.table == "person" }?.copied == 3 && report.tables.first { $0.table == "place" }?.copied == places)
        await #expect(throws: (any Error).self) {
            try await StoreMigration.copy(fromData: sqlite.config.dataDirectory, to: target, masterKeyFile: keyFile)
        }

        var moved = try TestApp(demo: false)
        moved.config.store = .postgres(url: target.text, masterKeyFile: keyFile)
        try await moved.test { client, services in
            #expect(try await client.get(posterPath).0 == .ok)
            let scan = try await client.verify(payload, at: "CP-DJ-E", token: guardToken).1
            #expect(scan["result"] as? String == "pass" && scan["name"] as? String == "张*华", "\(scan)")
            #expect(try await services.people.count() == 3)
            // New rows after the move get new ids (the sequences moved past the copied ones).
            let door = try await Fixture.poster("DJ-B03-U2", services)
            #expect(try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(9), room: "301")).0 == .created)
            #expect(try await AccountService(services: services).addUser(name: "gate-2", role: .guard_, scope: "CP-DJ-E", password: nil).token.count > 0)
        }
    }
}
