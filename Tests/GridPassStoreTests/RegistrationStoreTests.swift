import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Synchronization
import Testing

/// Every field of a `HealthRecord`, comparable.
struct HealthSnapshot: Equatable, Sendable, CustomStringConvertible {
    var person: PersonRecord
    var statusVersion: UInt32
    var color: HealthColor?
    var reasons: [Reason]
    var code: StoredCode?
    var declarations: [Declaration]
    var flags: [StaffFlag]

    init(_ r: HealthRecord) {
        (person, statusVersion, color, reasons, code, declarations, flags) = (r.person, r.statusVersion, r.color, r.reasons, r.code,
                                                                              r.declarations, r.flags)
    }

    init?(_ r: HealthRecord?) {
        guard let r else { return nil }
        self.init(r)
    }

    var description: String {
        "\(person) v\(statusVersion) \(color.map(\.rawValue) ?? "-") \(reasons) \(code.map { "\($0)" } ?? "no code") \(declarations) \(flags)"
    }
}

@Suite("SQLite registration: one insert per new person, read back the same; re-registration updates")
struct RegistrationStoreTests {
    static let day0 = ScanLogStoreTests.day0

    func open() throws -> (DataDirectory, DatabasePool, SQLiteStore, KeyRing) {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        let pool = try data.openDatabase()
        let keyRing = try data.openKeyRing()
        return (data, pool, try SQLiteStore(pool, keyRing: keyRing), keyRing)
    }

    /// What `decide` was given, call by call.
    final class Calls: Sendable {
        private let list = Mutex<[(HealthSnapshot, [String: RiskLevel])]>([])
        func add(_ record: HealthRecord, _ risks: [String: RiskLevel]) { list.withLock { $0.append((HealthSnapshot(record), risks)) } }
        var all: [(HealthSnapshot, [String: RiskLevel])] { list.withLock { $0 } }
    }

    /// A decision as the health-code service makes one: the next status version, a colour from the last declaration and
    /// the risk list, reasons with every optional field and text that needs escaping in JSON, and (for active people
    /// only) a code signed with the key ring's health-code key.
    static func decide(key: RingKey, now: Int64, calls: Calls) -> HealthDecision {
        { record, risks in
            calls.add(record, risks)
            let last = try #require(record.declarations.last)
            let risky = last.visited.first { risks[$0] != nil }
            let color: HealthColor = risky != nil ? .red : (last.temperature >= 37.3 ? .yellow : .green)
            var reasons: [Reason] = []
            if let risky {
                reasons.append(Reason(code: "high_risk_region", color: .red, day: last.day, region: risky, detail: nil,
                                      zh: "到访\"高风险\"地区 <北京>\n第二行\t😷", en: "Visited a high-risk region \\ back-slash"))
            }
            if last.temperature >= 37.3 {
                reasons.append(Reason(code: "fever", color: .yellow, day: last.day, region: nil, detail: String(last.temperature),
                                      zh: "发热", en: "Fever"))
            }
            let version = record.statusVersion &+ 1
            let code = record.person.status == .active
                ? StoredCode(payload: try HealthCode.sign(person: record.person.ref, color: color, statusVersion: version, issuedAt: now,
                                                          expiresAt: now + 86_400, with: key),
                             color: color, statusVersion: version, issuedAt: now, expiresAt: now + 86_400)
                : nil
            return HealthUpdate(statusVersion: version, color: color, reasons: reasons, code: code)
        }
    }

    static func registration(placeID: Int64, kind: PersonKind, name: String = "张三华", seq: Int = 1, phone: String = "13800138000",
                             declaration: HealthDeclaration) -> RegistrationData {
        var r = ScanLogStoreTests.registration(placeID: placeID, kind: kind, name: name, seq: seq)
        r.phone = phone
        r.declaration = declaration
        return r
    }

    static let feverish = HealthDeclaration(temperature: 37.8, symptoms: [.fever, .cough], visited: ["110105", "310101"], contact: .secondary)
    static let healthy = HealthDeclaration(temperature: 36.4, symptoms: [], visited: [], contact: .none)

    /// The places of `PlaceStoreTests.street` and a high-risk region, as the server would have them.
    func seed(_ store: SQLiteStore) async throws -> (unit: Int64, enterprise: Int64) {
        _ = try await store.places.importPlaces(csv: PlaceStoreTests.street)
        #expect(try await store.health.setRisk(region: "310101", level: .high, lookbackDays: 14, now: Self.day0 - 3600) == 0)
        return (try #require(try await store.places.place(code: "U1")).id, try #require(try await store.places.place(code: "E")).id)
    }

    /// Checks that a registration's answer is what fresh reads give back.
    static func expectReadBack(_ store: SQLiteStore, _ answer: (person: PersonRecord, health: HealthRecord?, created: Bool),
                               sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let health = try #require(answer.health, sourceLocation: sourceLocation)
        #expect(health.person == answer.person, sourceLocation: sourceLocation)
        let fresh = try #require(try await store.health.healthRecord(answer.person.ref), sourceLocation: sourceLocation)
        #expect(HealthSnapshot(health) == HealthSnapshot(fresh), sourceLocation: sourceLocation)
        #expect(try await store.people.person(id: answer.person.id) == answer.person, sourceLocation: sourceLocation)
        #expect(try await store.people.person(meToken: answer.person.meToken) == answer.person, sourceLocation: sourceLocation)
        // The hot path reads the same status version.
        let standing = try #require(try await store.health.standing(answer.person.ref), sourceLocation: sourceLocation)
        #expect(standing.statusVersion == health.statusVersion && standing.status == answer.person.status
                && standing.name == answer.person.name && standing.placeID == answer.person.placeID, sourceLocation: sourceLocation)
    }

    @Test("a new person: the returned person and health record equal fresh reads (status version, colour, reasons, code, declarations)",
          arguments: [(PersonKind.resident, true), (.worker, true), (.resident, false), (.worker, false)])
    func newPerson(kind: PersonKind, decides: Bool) async throws {
        let (_, pool, store, keyRing) = try open()
        let places = try await seed(store)
        let key = try #require(keyRing.keys().current(.healthCodes))
        let calls = Calls()
        let now = Self.day0 + 1234
        let placeID = kind == .resident ? places.unit : places.enterprise
        let data = Self.registration(placeID: placeID, kind: kind, name: "𠮷田 Zoë", declaration: Self.feverish)
        let none: HealthDecision = { _, _ in nil }
        let decide = decides ? Self.decide(key: key, now: now, calls: calls) : none
        let answer = try await store.people.register(data, now: now, decide: decide)
        #expect(answer.created)
        try await Self.expectReadBack(store, answer)

        let person = answer.person
        #expect(person.kind == kind && person.status == (kind == .resident ? .active : .pending) && person.placeID == placeID)
        #expect(person.name == "𠮷田 Zoë" && person.room == data.room && person.department == data.department && person.reviewReason == nil)
        #expect(person.createdAt == now && person.updatedAt == now)
        #expect(PersonRef(hex: person.id) == person.ref)
        let health = try #require(answer.health)
        let declaration = Declaration(day: Day(unixSeconds: now), temperature: 37.8, symptoms: ["fever", "cough"], visited: ["110105", "310101"],
                                      contact: "secondary")
        #expect(health.declarations == [declaration] && health.flags.isEmpty)
        if decides {
            // decide saw the new person before the insert, with its declaration and the risk list.
            let seen = calls.all
            #expect(seen.count == 1)
            #expect(seen.first?.0 == HealthSnapshot(HealthRecord(person: person, statusVersion: 0, color: nil, reasons: [], code: nil,
                                                                 declarations: [declaration], flags: [])))
            #expect(seen.first?.1 == ["310101": .high])
            #expect(health.statusVersion == 1 && health.color == .red)
            #expect(health.reasons.map(\.code) == ["high_risk_region", "fever"])
            #expect(health.reasons.first?.zh == "到访\"高风险\"地区 <北京>\n第二行\t😷" && health.reasons.first?.region == "310101")
            #expect(health.reasons.last?.detail == "37.8" && health.reasons.last?.region == nil)
            if kind == .resident {
                let code = try #require(health.code)
                #expect(code.color == .red && code.statusVersion == 1 && code.issuedAt == now && code.expiresAt == now + 86_400)
                let payload = try HealthCode.verify(code.payload, keys: keyRing.keys(), now: now).get()
                #expect(payload.person == person.ref && payload.color == .red && payload.statusVersion == 1)
            } else {
                #expect(health.code == nil)
            }
        } else {
            #expect(calls.all.isEmpty)
            #expect(health.statusVersion == 0 && health.color == nil && health.reasons.isEmpty && health.code == nil)
        }

        // One person, one declaration with a region row per visited region.
        #expect(try await store.people.count() == 1)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT source, region FROM declaration JOIN declaration_region ON declaration_region.declaration_id = declaration.id ORDER BY region")
        }
        #expect(rows.map { $0["source"] as String } == ["registration", "registration"])
        #expect(rows.map { $0["region"] as String } == ["110105", "310101"])
    }

    @Test("registering again with the same identity number and phone at the same place updates the person: same id and me token")
    func reRegistration() async throws {
        let (_, _, store, keyRing) = try open()
        let places = try await seed(store)
        let key = try #require(keyRing.keys().current(.healthCodes))
        let calls = Calls()
        let first = try await store.people.register(Self.registration(placeID: places.unit, kind: .resident, declaration: Self.feverish),
                                                    now: Self.day0, decide: Self.decide(key: key, now: Self.day0, calls: calls))
        #expect(first.created && first.health?.statusVersion == 1 && first.health?.color == .red)

        // A day later, another name and room, a healthy declaration.
        let later = Self.day0 + 86_400
        var again = Self.registration(placeID: places.unit, kind: .resident, name: "张三丰", declaration: Self.healthy)
        again.room = "102"
        let second = try await store.people.register(again, now: later, decide: Self.decide(key: key, now: later, calls: calls))
        #expect(second.created == false)
        #expect(second.person.ref == first.person.ref && second.person.id == first.person.id && second.person.meToken == first.person.meToken)
        #expect(second.person.name == "张三丰" && second.person.room == "102")
        #expect(second.person.createdAt == Self.day0 && second.person.updatedAt == later)
        try await Self.expectReadBack(store, second)
        let health = try #require(second.health)
        #expect(health.statusVersion == 2 && health.color == .green && health.reasons.isEmpty)
        #expect(health.code?.statusVersion == 2 && health.code?.color == .green && health.code?.issuedAt == later)
        #expect(health.declarations.map(\.temperature) == [37.8, 36.4])
        // decide saw the updated person with both declarations and the first decision.
        let seen = try #require(calls.all.last?.0)
        #expect(calls.all.count == 2)
        #expect(seen.person == second.person && seen.statusVersion == 1 && seen.color == .red && seen.code == first.health?.code
                && seen.declarations == health.declarations)
        #expect(try await store.people.count() == 1)
        #expect(try await store.people.person(meToken: first.person.meToken)?.name == "张三丰")

        // Another phone: refused, nothing written.
        let before = try #require(try await store.health.healthRecord(first.person.ref))
        await #expect(throws: RegistrationConflict.phoneMismatch) {
            _ = try await store.people.register(Self.registration(placeID: places.unit, kind: .resident, name: "冒名", phone: "13900139000",
                                                                  declaration: Self.healthy),
                                                now: later + 60, decide: Self.decide(key: key, now: later + 60, calls: calls))
        }
        #expect(HealthSnapshot(try await store.health.healthRecord(first.person.ref)) == HealthSnapshot(before))
        #expect(calls.all.count == 2)

        // The same identity number at another place is another person, with its own id and me token.
        let elsewhere = try await store.people.register(Self.registration(placeID: places.enterprise, kind: .worker, declaration: Self.healthy),
                                                        now: later, decide: { _, _ in nil })
        #expect(elsewhere.created && elsewhere.person.ref != first.person.ref && elsewhere.person.meToken != first.person.meToken)
        try await Self.expectReadBack(store, elsewhere)
        #expect(try await store.people.count() == 2)
    }

    @Test("many new people at once (group commit): every answer equals its fresh read; ids and me tokens are distinct")
    func concurrentNewPeople() async throws {
        let (_, _, store, keyRing) = try open()
        let places = try await seed(store)
        let key = try #require(keyRing.keys().current(.healthCodes))
        let now = Self.day0 + 77
        let answers = try await withThrowingTaskGroup(of: (person: PersonRecord, health: HealthRecord?, created: Bool).self) { group in
            for n in 0..<40 {
                group.addTask {
                    try await store.people.register(Self.registration(placeID: n % 2 == 0 ? places.unit : places.enterprise,
                                                                      kind: n % 2 == 0 ? .resident : .worker, name: "人\(n)", seq: n + 1,
                                                                      declaration: n % 3 == 0 ? Self.feverish : Self.healthy),
                                                    now: now, decide: Self.decide(key: key, now: now, calls: Calls()))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 40 && answers.allSatisfy(\.created))
        for answer in answers { try await Self.expectReadBack(store, answer) }
        #expect(Set(answers.map(\.person.ref)).count == 40 && Set(answers.map(\.person.meToken)).count == 40)
        #expect(try await store.people.count() == 40)
    }
}

@Suite("me tokens: 4 bytes of time in milliseconds, then 16 random bytes, in base32")
struct MeTokenTests {
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    @Test("32 characters of the base32 alphabet that decode to 20 bytes, the first 4 the low 32 bits of the time",
          arguments: [0, 1, 255, 256, 65_535, 1_700_000_000_000, ScanLogStoreTests.day0 * 1000, Int64(UInt32.max), Int64(UInt32.max) + 1] as [Int64])
    func shape(milliseconds: Int64) throws {
        for _ in 0..<20 {
            let token = try NewPerson.meToken(milliseconds: milliseconds)
            #expect(token.count == 32 && token.utf8.count == 32, "\(token)")
            #expect(token.allSatisfy { Self.alphabet.contains($0) }, "\(token)")
            let bytes = try #require(Base32.decode(token))
            #expect(bytes.count == 20)
            let t = UInt32(truncatingIfNeeded: milliseconds)
            #expect(Array(bytes.prefix(4)) == [UInt8(t >> 24), UInt8((t >> 16) & 0xFF), UInt8((t >> 8) & 0xFF), UInt8(t & 0xFF)], "\(token)")
            #expect(Base32.encode(bytes) == token)
        }
    }

    @Test("tokens made in the same millisecond differ in their 16 random bytes; made later, they sort later")
    func distinctAndOrdered() throws {
        let ms = ScanLogStoreTests.day0 * 1000 + 42
        let tokens = try (0..<500).map { _ in try NewPerson.meToken(milliseconds: ms) }
        #expect(Set(tokens).count == tokens.count)
        let decoded = try tokens.map { try #require(Base32.decode($0)) }
        #expect(Set(decoded.map { Array($0.dropFirst(4)) }).count == tokens.count)
        for position in 4..<20 { #expect(Set(decoded.map { $0[position] }).count > 1, "byte \(position)") }
        let run = try (0..<300 as Range<Int64>).map { try #require(Base32.decode(try NewPerson.meToken(milliseconds: ms + $0))) }
        #expect(run == run.sorted { $0.lexicographicallyPrecedes($1) })
    }
}

@Suite("new person references: time-ordered, never one already taken")
struct PersonRefAllocationTests {
    @Test("a reference already in the table is drawn again: nothing half-stored, the person coloured and signed with the next unused one")
    func redraw() async throws {
        let suite = RegistrationStoreTests()
        let (_, pool, store, keyRing) = try suite.open()
        let places = try await suite.seed(store)
        let first = try await store.people.register(RegistrationStoreTests.registration(placeID: places.unit, kind: .resident,
                                                                                        declaration: RegistrationStoreTests.healthy),
                                                    now: RegistrationStoreTests.day0, decide: { _, _ in nil }).person.ref
        let fresh = try PersonRef.timeOrdered(milliseconds: 5)
        let draws = Mutex([first, first, fresh])
        let key = try #require(keyRing.keys().current(.healthCodes))
        let calls = RegistrationStoreTests.Calls()
        let second = RegistrationStoreTests.registration(placeID: places.unit, kind: .resident, name: "李四", seq: 2,
                                                         declaration: RegistrationStoreTests.healthy)
        let (person, health) = try await pool.write { db in
            try SQLitePersonRepository.insertNew(db, second, index: Migration6StoreTests.bytes(32), idBox: [1, 2, 3], phoneBox: [4, 5, 6],
                                                 meToken: "TOKEN-OF-THE-SECOND-PERSON", now: RegistrationStoreTests.day0,
                                                 decide: RegistrationStoreTests.decide(key: key, now: RegistrationStoreTests.day0, calls: calls),
                                                 makeRef: { draws.withLock { $0.removeFirst() } })
        }
        #expect(person.ref == fresh && health.person.ref == fresh)
        #expect(draws.withLock { $0.isEmpty }, "the taken reference was drawn twice, then the fresh one")
        #expect(calls.all.map(\.0.person.ref) == [first, first, fresh], "coloured and signed again for each draw")
        let code = try #require(health.code)
        #expect(try HealthCode.verify(code.payload, keys: keyRing.keys(), now: RegistrationStoreTests.day0).get().person == fresh)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT ref, name FROM person ORDER BY created_at, name").map { (Array($0["ref"] as Data), $0["name"] as String) }
        }
        #expect(rows.count == 2)
        #expect(rows.contains { $0.0 == first.bytes && $0.1 == "张三华" }, "the first person is untouched")
        #expect(rows.contains { $0.0 == fresh.bytes && $0.1 == "李四" })
        let declarations = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM declaration WHERE person_ref = ?", arguments: [Data(fresh.bytes)]) }
        #expect(declarations == 1)
    }

    @Test("references of people registered one after the other sort in registration order")
    func order() async throws {
        let suite = RegistrationStoreTests()
        let (_, pool, store, _) = try suite.open()
        let places = try await suite.seed(store)
        var refs: [PersonRef] = []
        for i in 0..<5 {
            refs.append(try await store.people.register(RegistrationStoreTests.registration(placeID: places.unit, kind: .resident, name: "人\(i)",
                                                                                            seq: i + 1, declaration: RegistrationStoreTests.healthy),
                                                        now: RegistrationStoreTests.day0, decide: { _, _ in nil }).person.ref)
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(refs.map(\.bytes) == refs.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) })
        let stored = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") }
        #expect(stored == 5)
    }
}
