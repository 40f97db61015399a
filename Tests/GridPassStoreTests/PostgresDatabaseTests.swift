import Foundation
import GridPassCore
@testable import GridPassPostgres
import Synchronization
import GridPassTestSupport
import Testing

@Suite("PostgreSQL: database URLs and the versioned schema")
struct PostgresDatabaseTests {
    @Test("postgres:// URLs: user, password, host, port, database, a Unix socket directory; errors name what is missing")
    func urls() throws {
        let tcp = try PostgresURL("postgres://gridpass:s%40cret@db.example:6543/city")
        #expect(tcp.username == "gridpass" && tcp.password == "s@cret" && tcp.database == "city")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(tcp.description == "postgres://gridpass@db.example:6543/city")  // no password in logs
        #expect(try PostgresURL("postgresql://u@h/d").endpoint == .tcp(host: "h", port: 5432))
        let socket = try PostgresURL("postgres://gridpass@localhost/postgres?host=/tmp/pg")
        #expect(socket.endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5432"))
        #expect(socket.with(database: "other").database == "other")
        #expect(try PostgresURL("postgres://u@h/d").connections == 20)
        let small = try PostgresURL("postgres://gridpass@localhost/city?host=/tmp/pg&connections=4")
        #expect(small.connections == 4 && small.endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5432"))
        #expect(try PostgresURL(small.text) == small && small.text.hasSuffix("&connections=4"))
        #expect(try PostgresURL("postgres://u@h:5433/d?connections=50").text == "postgres://u@h:5433/d?connections=50")
        for bad in ["mysql://u@h/d", "postgres://h/d", "postgres://u@h/", "postgres://u@h", "postgres://u@h:0/d", "not a url",
                    "postgres://u@h/d?connections=0", "postgres://u@h/d?connections=many"] {
            #expect(throws: PostgresURLError.self, "\(bad)") { try PostgresURL(bad) }
        }
    }

    @Test("two nodes opening a new database at once migrate it once; opening again changes nothing",
          .enabled(if: TestPostgres.url != nil))
    func migrations() async throws {
        let url = try await TestPostgres.emptyDatabase()
        async let a = PostgresDatabase.open(url)
        async let b = PostgresDatabase.open(url)
        let (one, two) = try await (a, b)
        defer { one.close(); two.close() }
        #expect(try await PostgresMigrations.applied(one) == PostgresMigrations.all.map(\.name))
        let again = try await PostgresDatabase.open(url)
        defer { again.close() }
        #expect(try await PostgresMigrations.applied(again) == PostgresMigrations.all.map(\.name))
    }

    @Test("a risk change waits for the transactions that read the old list and marks what they wrote; a registration coloured with a node's old copy is refused and coloured again",
          .enabled(if: TestPostgres.url != nil))
    func riskTurns() async throws {
        let (database, keys, unit) = try await Self.street()
        defer { database.close() }
        let people = PostgresPersonRepository(database, keys: keys), health = PostgresHealthRepository(database)
        let now = PeopleBackendTests.now
        let quiet = try await people.register(PeopleBackendTests.registration(1, placeID: unit, visited: []), now: now,
                                              decide: PeopleBackendTests.decide).person.ref
        #expect(database.risks.withLock { $0 }?.list == [:])  // this node's copy, read by the registration

        // A report under the old list, not committed yet: the change must wait for it.
        let finished = Flag()
        let marked = try await database.transaction { connection -> Task<Int, any Error> in
            #expect(try await PostgresHealthRepository.riskList(connection, logger: database.logger) == [:])
            try await PostgresHealthRepository.insertDeclaration(
                connection, logger: database.logger, ref: quiet,
                HealthDeclaration(temperature: 36.5, symptoms: [], visited: ["420106"], contact: Contact.none), source: "report", now: now)
            let change = Task {
                defer { finished.set() }
                return try await health.setRisk(region: "420106", level: .high, lookbackDays: 14, now: now)
            }
            try await Task.sleep(for: .milliseconds(400))
            let early = finished.isSet
            #expect(!early, "the risk change did not wait for the report's transaction")
            return change
        }
        #expect(try await marked.value == 1)  // the report committed under the old list is marked
        #expect(try await health.staleCount() == 1)

        // The node's copy is still the old list: the registration is refused by the epoch,
        // read again and coloured red.
        #expect(database.risks.withLock { $0 }?.list == [:])
        let visitor = try await people.register(PeopleBackendTests.registration(2, placeID: unit, visited: ["420106"]), now: now,
                                                decide: PeopleBackendTests.decide)
        #expect(visitor.created && visitor.health?.color == .red && visitor.health?.code?.color == .red)
        #expect(try await health.healthRecord(visitor.person.ref)?.color == .red)
        #expect(database.risks.withLock { $0 }?.list == ["420106": .high])
    }

    @Test("a batch of new people in which two drew the same reference stores one of them, with its own declaration, and sends the other to draw again",
          .enabled(if: TestPostgres.url != nil))
    func sameReferenceInOneBatch() async throws {
        let (database, keys, unit) = try await Self.street()
        defer { database.close() }
        let ref = Data([1, 2, 3, 4, 5, 6, 7, 8])
        func row(_ n: UInt8, visited: [String]) -> NewPersonRow {
            NewPersonRow(epoch: 0, keyMax: Int64(keys.keys().newestID), ref: ref, kind: "resident", status: "active", place: unit,
                         index: Data(repeating: n, count: 32), idEnc: Data([n]), phoneEnc: Data([n]), name: "人\(n)", room: nil,
                         department: nil, me: "ME\(n)", now: 1_800_000_000, version: 0, color: nil, reasons: "", code: nil,
                         day: 20_000, temperature: 36.5, symptoms: "", visited: visited.joined(separator: ","), contact: "none",
                         regions: visited)
        }
        let first = row(1, visited: ["420106"]), second = row(2, visited: ["110105", "310101"])
        let outcomes = try await PostgresPersonRepository.registerMany(database, [first, second])
        #expect(Set(outcomes.values) == ["inserted", "retry"])
        let stored = try #require(outcomes.first { $0.value == "inserted" }?.key)
        let people = try await database.client.rows("SELECT me_token FROM person WHERE ref = \(ref)") { try $0.get(0, as: String.self) }
        #expect(people == [stored.me])
        let regions = try await database.client.rows("SELECT region FROM declaration_region WHERE person_ref = \(ref) ORDER BY region") {
            try $0.get(0, as: String.self)
        }
        #expect(regions == stored.regions)  // the stored person's own declaration, not the other's
        let declarations = try await database.client.rows("SELECT COUNT(*) FROM declaration WHERE person_ref = \(ref)") { try $0.get(0, as: Int.self) }
        #expect(declarations == [1])
    }

    @Test("places kept by a node are current at its next read after a change on another node, and within a request after its own write",
          .enabled(if: TestPostgres.url != nil))
    func placesKeptByEpoch() async throws {
        let url = try await TestPostgres.emptyDatabase()
        let a = try await PostgresDatabase.open(url), b = try await PostgresDatabase.open(url)
        defer { a.close(); b.close() }
        let nodeA = PostgresPlaceRepository(a), nodeB = PostgresPlaceRepository(b)
        _ = try await nodeA.importPlaces(csv: PlaceStoreTests.street)
        let unit = try #require(try await nodeB.place(code: "U1"))
        #expect(try await nodeB.path(placeID: unit.id)?.fullName == "平山区东明街道东进社区 1号楼 1单元")
        #expect(try await nodeB.posterSerial(placeID: unit.id) == 1)
        let epoch = try await b.currentVersions().places
        #expect(nodeB.cache.place(id: unit.id, epoch: epoch) != nil)  // kept

        // Changed on A: B's very next reads see it (no rows of B's memory are used at the new epoch).
        _ = try await nodeA.rotatePoster(code: "U1")
        #expect(try await nodeB.posterSerial(placeID: unit.id) == 2)
        _ = try await nodeA.importPlaces(csv: PlaceStoreTests.header + "building,B,1号楼（东）,G,,\n")
        #expect(try await nodeB.path(placeID: unit.id)?.fullName == "平山区东明街道东进社区 1号楼（东） 1单元")
        #expect(try await nodeB.place(code: "U1")?.posterSerial == 2)

        // Inside one request, the places' epoch is read once; the request's own rotation is still
        // seen by its next read, and another request reads again.
        try await PostgresDatabase.perRequest {
            #expect(try await nodeA.posterSerial(placeID: unit.id) == 2)
            _ = try await nodeA.rotatePoster(code: "U1")
            #expect(try await nodeA.posterSerial(placeID: unit.id) == 3)
        }
        let seen = try await PostgresDatabase.perRequest { try await nodeB.posterSerial(placeID: unit.id) }
        #expect(seen == 3)

        // A read at an older epoch than the memory's neither uses nor fills it.
        let cache = PlacesAtEpoch()
        cache.store([unit], epoch: 5)
        #expect(cache.place(id: unit.id, epoch: 5) == unit && cache.place(code: "U1", epoch: 5) == unit)
        #expect(cache.place(id: unit.id, epoch: 4) == nil)
        cache.store([unit], epoch: 4)
        #expect(cache.place(id: unit.id, epoch: 6) == nil)  // newer: emptied
        #expect(cache.place(id: unit.id, epoch: 5) == nil)
    }
}

extension PostgresDatabaseTests {
    /// A fresh database with its key ring and the test street; the id of unit U1.
    static func street() async throws -> (PostgresDatabase, PostgresKeyRing, Int64) {
        let database = try await TestPostgres.fresh()
        let keys = try await PostgresKeyRing.open(database, masterKeyFile: try makeTemporaryDirectory().appendingPathComponent("master.key").path)
        let places = PostgresPlaceRepository(database)
        _ = try await places.importPlaces(csv: PlaceStoreTests.street)
        return (database, keys, try #require(try await places.place(code: "U1")).id)
    }
}

/// A flag set by one task and read by another.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
