import Foundation
import GridPassCore
import GridPassPostgres
@testable import GridPassStore
import GridPassTestSupport
import Testing

extension Backend {
    /// People, codes and places on a database of their own (SQLite: the data directory's key ring
    /// file; PostgreSQL: the sealed key ring in the database), closed after `body`.
    func withPeople<T>(_ body: (any PersonRepository, any HealthRepository, any PlaceRepository) async throws -> T) async throws -> T {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        switch self {
        case .sqlite:
            let store = try SQLiteStore(try data.openDatabase(), keyRing: try data.openKeyRing())
            return try await body(store.people, store.health, store.places)
        case .postgres:
            let database = try await TestPostgres.fresh()
            defer { database.close() }
            let keys = try await PostgresKeyRing.open(database, masterKeyFile: data.url.appendingPathComponent("master.key").path)
            return try await body(PostgresPersonRepository(database, keys: keys), PostgresHealthRepository(database),
                                  PostgresPlaceRepository(database))
        }
    }
}

/// The people and health-code repositories: what each backend must do (issue 14), with a small
/// decision of its own (red after a high-risk region, else green; a code for active people).
@Suite("People, codes and risk changes (SQLite and PostgreSQL)")
struct PeopleBackendTests {
    static let now: Int64 = 1_796_000_000

    static let decide: HealthDecision = { record, risks in
        let red = record.declarations.contains { $0.visited.contains { risks[$0] == .high } }
        let color: HealthColor = red ? .red : .green
        let active = record.person.status == .active
        guard record.color != color || active != (record.code != nil) else { return nil }
        let version = record.statusVersion + 1
        let code = active ? StoredCode(payload: "GP1:V\(version)\(color.rawValue)", color: color, statusVersion: version,
                                       issuedAt: now, expiresAt: now + 86_400) : nil
        return HealthUpdate(statusVersion: version, color: color, reasons: [], code: code)
    }

    static func registration(_ seq: Int, placeID: Int64, visited: [String], phone: String = "13800138000") -> RegistrationData {
        var r = ScanLogStoreTests.registration(placeID: placeID, seq: seq)
        r.phone = phone
        r.declaration = HealthDeclaration(temperature: 36.5, symptoms: [], visited: visited, contact: Contact.none)
        return r
    }

    @Test("register, re-register with the same phone, refuse another phone; reports, flags, standing", arguments: Backend.all)
    func registration(_ backend: Backend) async throws {
        try await backend.withPeople { people, health, places in
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let unit = try #require(try await places.place(code: "U1")).id
            let first = try await people.register(Self.registration(1, placeID: unit, visited: ["110105"]), now: Self.now, decide: Self.decide)
            #expect(first.created && first.health?.color == .green && first.health?.code?.statusVersion == 1)
            let again = try await people.register(Self.registration(1, placeID: unit, visited: []), now: Self.now + 60, decide: Self.decide)
            #expect(!again.created && again.person.ref == first.person.ref)
            await #expect(throws: RegistrationConflict.self) {
                try await people.register(Self.registration(1, placeID: unit, visited: [], phone: "13900139000"), now: Self.now, decide: Self.decide)
            }
            #expect(try await people.count() == 1)
            #expect(try await people.contact(of: first.person.id)?.phone == "13800138000")
            #expect(try await people.person(meToken: first.person.meToken)?.ref == first.person.ref)
            let record = try #require(try await health.healthRecord(first.person.ref))
            #expect(record.declarations.count == 2 && record.code?.statusVersion == 1 && !record.stale)
            try await health.addReport(first.person.ref, HealthDeclaration(temperature: 36.4, symptoms: [], visited: ["310101"],
                                                                            contact: Contact.none), now: Self.now + 120)
            try await health.addFlag(first.person.ref, kind: .suspected, by: nil, now: Self.now + 180)
            let after = try #require(try await health.healthRecord(first.person.ref))
            #expect(after.declarations.map(\.visited) == [["110105"], [], ["310101"]] && after.flags.map(\.kind) == [.suspected])
            let standing = try #require(try await health.standing(first.person.ref))
            #expect(standing.statusVersion == 1 && standing.placeID == unit && standing.name == "张三华" && standing.status == .active)
            #expect(try await health.standing(try PersonRef.timeOrdered(milliseconds: 1)) == nil)
        }
    }

    @Test("20 concurrent registrations of one person give one record", arguments: Backend.all)
    func concurrent(_ backend: Backend) async throws {
        try await backend.withPeople { people, _, places in
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let unit = try #require(try await places.place(code: "U1")).id
            let refs = try await withThrowingTaskGroup(of: (PersonRef, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let r = try await people.register(Self.registration(5, placeID: unit, visited: []), now: Self.now, decide: Self.decide)
                        return (r.person.ref, r.created)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(refs.map(\.0)).count == 1 && refs.filter(\.1).count == 1)
            #expect(try await people.count() == 1)
        }
    }

    @Test("visitors registering while their region turns high: once the change is answered, none of them holds a code that passes", arguments: Backend.all)
    func registrationsDuringRiskChange(_ backend: Backend) async throws {
        try await backend.withPeople { people, health, places in
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let unit = try #require(try await places.place(code: "U1")).id
            // Registrations race the change (PostgreSQL: on other connections, the way other
            // requests and nodes do); the change must not miss one that commits under the old list.
            let refs = try await withThrowingTaskGroup(of: PersonRef?.self) { group in
                for seq in 1...240 {
                    group.addTask {
                        try await people.register(Self.registration(100 + seq, placeID: unit, visited: ["420106"]), now: Self.now,
                                                  decide: Self.decide).person.ref
                    }
                    if seq == 80 {
                        group.addTask {
                            _ = try await health.setRisk(region: "420106", level: .high, lookbackDays: 14, now: Self.now)
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [PersonRef]()) { if let ref = $1 { $0.append(ref) } }
            }
            #expect(refs.count == 240)
            var marked = 0, red = 0
            for ref in refs {
                let record = try #require(try await health.healthRecord(ref))
                let standing = try #require(try await health.standing(ref))
                let passes = record.code?.color == .green && record.code?.statusVersion == standing.statusVersion
                #expect(!passes, "a visitor kept a green code that passes: \(ref)")
                if record.stale { marked += 1 } else if record.code?.color == .red { red += 1 }
            }
            #expect(marked + red == 240)
        }
    }

    @Test("a risk change marks exactly the visitors in one transaction; the pass recomputes them with the scans' version", arguments: Backend.all)
    func riskOverSets(_ backend: Backend) async throws {
        try await backend.withPeople { people, health, places in
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let unit = try #require(try await places.place(code: "U1")).id
            var visitors: [PersonRef] = [], others: [PersonRef] = []
            for seq in 1...30 {
                let visited = seq % 3 == 0 ? ["420106"] : ["110105"]
                let ref = try await people.register(Self.registration(seq, placeID: unit, visited: visited), now: Self.now, decide: Self.decide).person.ref
                if seq % 3 == 0 { visitors.append(ref) } else { others.append(ref) }
            }
            // A visit outside the 14 days does not count.
            #expect(try await health.setRisk(region: "420106", level: .high, lookbackDays: 14, now: Self.now + 20 * 86_400) == 0)
            #expect(try await health.staleCount() == 0)
            #expect(try await health.setRisk(region: "420106", level: .high, lookbackDays: 14, now: Self.now) == 10)
            #expect(try await health.riskList() == ["420106": .high])
            #expect(try await health.staleCount() == 10)
            for ref in visitors { #expect(try await health.standing(ref)?.statusVersion == 2) }  // one above the stored 1
            for ref in others { #expect(try await health.standing(ref)?.statusVersion == 1) }
            var taken = 0
            while true {
                let n = try await health.recomputeStale(limit: 4, decide: Self.decide)
                if n == 0 { break }
                taken += n
            }
            let left = try await health.staleCount()
            #expect(taken == 10 && left == 0)
            for ref in visitors {
                let record = try #require(try await health.healthRecord(ref))
                #expect(record.color == .red && record.statusVersion == 2 && record.code?.statusVersion == 2 && !record.stale)
                #expect(try await health.standing(ref)?.statusVersion == 2)
            }
            for ref in others { #expect(try await health.healthRecord(ref)?.code?.statusVersion == 1) }
            // Back to none: marked again; a person's own recompute (their page) clears their mark.
            #expect(try await health.setRisk(region: "420106", level: nil, lookbackDays: 14, now: Self.now) == 10)
            let one = try #require(try await health.apply(visitors[0], decide: Self.decide))
            #expect(one.color == .green && one.statusVersion == 3 && !one.stale)
            #expect(try await health.staleCount() == 9)
            // New rules mark everyone once; the same rules again mark nobody.
            #expect(try await health.adoptRules("B", key: "rules", defaults: "A") == 21)  // the 9 still marked stay marked
            #expect(try await health.adoptRules("B", key: "rules", defaults: "A") == 0)
        }
    }

    @Test("scan logs are appended and purged with old reports", arguments: Backend.all)
    func scansAndPurge(_ backend: Backend) async throws {
        try await backend.withPeople { people, health, places in
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let unit = try #require(try await places.place(code: "U1")).id
            let ref = try await people.register(Self.registration(1, placeID: unit, visited: []), now: Self.now, decide: Self.decide).person.ref
            var scans: [ScanRecord] = []
            for i in 0..<250 {
                let checkpoint: Int64? = i % 2 == 0 ? unit : nil
                let person: PersonRef? = i % 3 == 0 ? ref : nil
                scans.append(ScanRecord(checkpointID: checkpoint, person: person, result: "pass", reason: "ok", at: Self.now + Int64(i)))
            }
            try await health.logScans(scans)
            try await health.addReport(ref, HealthDeclaration(temperature: 36.4, symptoms: [], visited: [], contact: Contact.none), now: Self.now)
            #expect(try await health.purge(before: Self.now + 100) == 101)  // 100 scans and 1 report; the registration stays
            #expect(try await health.healthRecord(ref)?.declarations.count == 1)
        }
    }
}
