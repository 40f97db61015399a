import Foundation
import GridPassCore
import GridPassServer
import GridPassStore
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Risk changes and new rules over many people at once (issue 20): one transaction marks
/// everyone touched; their older codes stop passing at the next scan on any opening; the
/// background pass (or their page) gives them new codes; nobody else is touched.
@Suite("Risk changes over sets")
struct RiskChangeTests {
    /// A distinct valid identity number for each `i` below 50 000.
    static func idNumber(_ i: Int) -> String {
        let body = "110105" + String(1950 + i / 1000) + "0615" + String(format: "%03d", i % 1000)
        return body + String(IdentityNumber.checkCharacter(of: body)!)
    }

    /// A registered resident: their code, page path and id.
    struct Registered: Sendable {
        let payload: String
        let mePath: String
        let personID: String
    }

    /// Registers `count` residents of `door` who declare `visited`, `concurrency` at a time, over HTTP.
    static func register(_ count: Int, from first: Int, door: String, visited: String, _ client: any TestClientProtocol,
                         _ services: AppServices, concurrency: Int = 16) async throws -> [Registered] {
        let token = try await Fixture.poster(door, services).token
        return try await withThrowingTaskGroup(of: [Registered].self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var done: [Registered] = []
                    for i in stride(from: lane, to: count, by: concurrency) {
                        let body = Fixture.resident(token: token, id: idNumber(first + i), room: "101", extra: ["visited": [visited]])
                        let (status, answer) = try await client.postJSON("/api/v1/registrations", body)
                        guard status == .created, let code = answer["health_code"] as? [String: Any],
                              let payload = code["payload"] as? String, let me = answer["me_url"] as? String,
                              let id = answer["person_id"] as? String else {
                            throw TestFailure("registration \(first + i) answered \(status): \(answer)")
                        }
                        done.append(Registered(payload: payload, mePath: String(me.dropFirst("http://127.0.0.1:8080".count)), personID: id))
                    }
                    return done
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Verifies every code at `checkpoint` through `verifier` (the CLI's path) and returns the verdicts.
    static func verdicts(_ codes: [String], at checkpoint: String, _ services: AppServices) async throws -> [Verdict] {
        let verifier = VerifyService(services: services, log: { _ in })
        let place = try #require(try await verifier.checkpoint(code: checkpoint))
        var out: [Verdict] = []
        for code in codes { out.append(try await verifier.verify(code, at: place).verdict) }
        return out
    }

    /// Runs the background pass to its end, as the server's `RecomputeService` does.
    static func recomputeAll(_ codes: HealthCodeService) async throws -> Int {
        var total = 0
        while true {
            let n = try await codes.recomputeStale(limit: 500)
            total += n
            if n == 0 { return total }
        }
    }

    @Test("5 000 visitors (1 000 on PostgreSQL, for time): `risk set high` stops every older code at the next scan (CLI and server), touches nobody else; `none` gives them green codes at their page",
          arguments: Backend.all)
    func fiveThousand(_ backend: Backend) async throws {
        // A live server (its background pass off, so that the test runs the pass itself and can
        // watch the marks); the CLI's path on another opening of the same data directory.
        try await TestApp(live: true, recomputePass: false, backend: backend).test(.live) { client, services in
            let accounts = AccountService(services: services)
            let guardGate = try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token
            let admin = try await accounts.addUser(name: "admin", role: .admin, scope: nil, password: nil).token
            let n = backend == .sqlite ? 5_000 : 1_000
            let visitors = try await Self.register(n, from: 0, door: "DJ-B01-U1", visited: "420106", client, services)
            let others = try await Self.register(60, from: 10_000, door: "DJ-B02-U1", visited: "110105", client, services)
            #expect(visitors.count == n && others.count == 60)
            let othersBefore = try await Self.records(others, services)
            #expect(try await Self.verdicts(visitors.map(\.payload), at: "CP-DJ-E", services).allSatisfy { $0.result == .pass })

            // The CLI's path: `gridpass risk set 420106 high` on another opening of the data directory.
            let cli = HealthCodeService(services: services, codeTTL: 86_400)
            #expect(try await cli.setRisk(region: "420106", level: .high) == n)
            #expect(try await services.health.staleCount() == n)

            // Every older code of a visitor is refused at the very next scan, through the server…
            for visitor in visitors {
                let answer = try await client.verify(visitor.payload, at: "CP-DJ-E", token: guardGate).1
                let result = answer["result"] as? String, reason = answer["reason"] as? String
                #expect(result == "invalid" && reason == "superseded" || result == "stop" && reason == "red",
                        "\(visitor.personID): \(answer)")
            }
            // …and through the CLI's verification.
            let cliVerdicts = try await Self.verdicts(visitors.map(\.payload), at: "CP-DJ-E", services)
            #expect(cliVerdicts.allSatisfy { $0.result == .invalid && $0.reason == "superseded" || $0.result == .stop && $0.reason == "red" })
            // Nobody else is touched: their codes pass, their status versions are the same.
            #expect(try await Self.verdicts(others.map(\.payload), at: "CP-DJ-E", services).allSatisfy { $0.result == .pass })
            let othersAfter = try await Self.records(others, services)
            #expect(othersAfter.map(\.statusVersion) == othersBefore.map(\.statusVersion))
            #expect(othersAfter.map(\.code) == othersBefore.map(\.code) && othersAfter.allSatisfy { !$0.stale })

            // The background pass recomputes them all: red in the database, without anyone opening a page.
            #expect(try await Self.recomputeAll(cli) == n)
            #expect(try await services.health.staleCount() == 0)
            let reds = try await Self.records(visitors, services)
            #expect(reds.allSatisfy { $0.color == .red && $0.code?.color == .red && !$0.stale })
            #expect(try await Self.verdicts(visitors.map(\.payload), at: "CP-DJ-E", services)
                .allSatisfy { $0.result == .invalid && $0.reason == "superseded" })
            #expect(try await Self.verdicts(reds.compactMap { $0.code?.payload }, at: "CP-DJ-E", services)
                .allSatisfy { $0.result == .stop && $0.reason == "red" })

            // Back to none through the admin API: the red codes stop passing as red, and each
            // person gets a green code that passes when they open their page.
            let (status, answer) = try await client.postJSON("/api/v1/risk-regions", ["region": "420106", "level": "none"], token: admin)
            #expect(status == .ok && answer["affected"] as? Int == n)
            let redAnswers = try await Self.verdicts(reds.compactMap { $0.code?.payload }, at: "CP-DJ-E", services)
            #expect(redAnswers.allSatisfy { $0.result == .invalid && $0.reason == "superseded" })
            for visitor in visitors {
                let (_, json) = try await client.get(visitor.mePath + "/code.json")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
                #expect(object["color"] as? String == "green")
                let payload = try #require(object["payload"] as? String)
                let scan = try await client.verify(payload, at: "CP-DJ-E", token: guardGate).1
                #expect(scan["result"] as? String == "pass", "\(visitor.personID): \(scan)")
            }
            #expect(try await services.health.staleCount() == 0)
            #expect(try await Self.records(others, services).map(\.statusVersion) == othersBefore.map(\.statusVersion))
        }
    }

    static func records(_ people: [Registered], _ services: AppServices) async throws -> [HealthRecord] {
        var out: [HealthRecord] = []
        for p in people { out.append(try #require(try await services.health.healthRecord(PersonRef(hex: p.personID)!))) }
        return out
    }

    @Test("on a live server: a risk change by another process stops the next scan; the server's background pass recomputes everyone by itself",
          arguments: Backend.all)
    func liveServerPass(_ backend: Backend) async throws {
        try await TestApp(live: true, backend: backend).test(.live) { client, services in
            let accounts = AccountService(services: services)
            let guardGate = try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token
            let visitors = try await Self.register(300, from: 0, door: "DJ-B01-U1", visited: "420106", client, services, concurrency: 8)
            for v in visitors.prefix(20) {  // cached by the server's scan cache
                #expect(try await client.verify(v.payload, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")
            }
            #expect(try await HealthCodeService(services: services, codeTTL: 86_400).setRisk(region: "420106", level: .medium) == 300)
            for v in visitors.prefix(20) {
                let answer = try await client.verify(v.payload, at: "CP-DJ-E", token: guardGate).1
                #expect(answer["result"] as? String != "pass", "\(answer)")
            }
            // The server's pass takes the marks within a few seconds (it looks every second).
            let deadline = ContinuousClock.now + .seconds(30)
            while try await services.health.staleCount() > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await services.health.staleCount() == 0)
            let records = try await Self.records(visitors, services)
            #expect(records.allSatisfy { $0.color == .yellow && $0.code?.color == .yellow })
            let answer = try await client.verify(records[0].code!.payload, at: "CP-DJ-E", token: guardGate).1
            #expect(answer["result"] as? String == "stop" && answer["reason"] as? String == "yellow")
        }
    }

    @Test("a stale person whose colour the change leaves as it was gets a new code of that colour, the old one stays superseded; a flag on a stale person is exact at once",
          arguments: Backend.all)
    func unchangedColourAndFlag(_ backend: Backend) async throws {
        try await TestApp(recomputePass: false, backend: backend).test { client, services in
            let accounts = AccountService(services: services)
            let guardGate = try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token
            let staff = try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G1", password: nil).token
            let people = try await Self.register(2, from: 0, door: "DJ-B01-U1", visited: "420106", client, services, concurrency: 1)
            let codes = HealthCodeService(services: services, codeTTL: 86_400)
            // 420107 was visited by nobody: nothing is marked.
            #expect(try await codes.setRisk(region: "420107", level: .high) == 0)
            #expect(try await Self.verdicts(people.map(\.payload), at: "CP-DJ-E", services).allSatisfy { $0.result == .pass })
            // Medium then none before any recompute: the colour ends where it started (green).
            _ = try await codes.setRisk(region: "420106", level: .medium)
            _ = try await codes.setRisk(region: "420106", level: nil)
            #expect(try await Self.verdicts(people.map(\.payload), at: "CP-DJ-E", services).allSatisfy { $0.reason == "superseded" })
            let before = try await Self.records(people, services)
            #expect(before.allSatisfy { $0.stale })
            // A flag on a stale person: recomputed in its own transaction, exact at the next scan.
            let (status, flagged) = try await client.postJSON("/api/v1/people/\(people[1].personID)/flags", ["flag": "suspected"], token: staff)
            #expect(status == .created || status == .ok, "\(flagged)")
            #expect(try await Self.recomputeAll(codes) == 1)
            // Green as before, with a new code one status version up; the old one stays superseded.
            let after = try await Self.records(people, services)
            #expect(after[0].statusVersion == before[0].statusVersion + 1 && !after[0].stale)
            #expect(after[0].color == .green && after[0].code?.color == .green && after[0].code != before[0].code)
            #expect(try await client.verify(after[0].code!.payload, at: "CP-DJ-E", token: guardGate).1["result"] as? String == "pass")
            #expect(try await client.verify(people[0].payload, at: "CP-DJ-E", token: guardGate).1["reason"] as? String == "superseded")
            #expect(after[1].color == .red && !after[1].stale)
            let red = try await client.verify(after[1].code!.payload, at: "CP-DJ-E", token: guardGate).1
            #expect(red["result"] as? String == "stop" && red["reason"] as? String == "red")
        }
    }

    @Test("new rules at start-up: everyone's older code stops passing until recomputed under them; the same rules again mark nobody")
    func newRulesAtStart() async throws {
        let app = try TestApp()
        let people = try await app.test { client, services in
            try await Self.register(3, from: 0, door: "DJ-B01-U1", visited: "110105", client, services, concurrency: 1)
        }
        let strict = try makeTemporaryDirectory().appendingPathComponent("rules.json")
        let defaults = try String(contentsOfFile: Self.defaultRulesPath(), encoding: .utf8)
        // Fixture residents declare 36.5 °C: a fever threshold of 36.5 colours them yellow.
        try defaults.replacingOccurrences(of: "\"temperature_at_least\": 37.3", with: "\"temperature_at_least\": 36.5")
            .write(to: strict, atomically: true, encoding: .utf8)
        let restarted = try await AppServices.open(dataDirectory: app.config.dataDirectory, rules: .serve(file: strict.path))
        #expect(try await restarted.health.staleCount() == 3)
        #expect(try await Self.verdicts(people.map(\.payload), at: "CP-DJ-E", restarted).allSatisfy { $0.reason == "superseded" })
        let codes = HealthCodeService(services: restarted, codeTTL: 86_400)
        let record = try #require(try await codes.refresh(PersonRef(hex: people[0].personID)!))
        #expect(record.color == .yellow && record.code?.color == .yellow && !record.stale)
        #expect(try await Self.recomputeAll(codes) == 2)
        let again = try await AppServices.open(dataDirectory: app.config.dataDirectory, rules: .serve(file: strict.path))
        #expect(try await again.health.staleCount() == 0)
        #expect(try await Self.verdicts(people.map(\.payload), at: "CP-DJ-E", again).allSatisfy { $0.reason == "superseded" })
    }

    static func defaultRulesPath() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/rules/default-rules.json").path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
