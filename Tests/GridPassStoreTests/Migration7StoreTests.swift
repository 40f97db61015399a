import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Testing

@Suite("Migration 7: the scan's person read answered from one covering index")
struct Migration7StoreTests {
    @Test("a schema 6 database gains person_standing; every person's standing reads back as stored, through that index alone")
    func standingIndex() async throws {
        let (data, people) = try await Migration6StoreTests.schema5Database()
        let queue = try DatabaseQueue(path: data.databasePath)
        try Migrations.migrator.migrate(queue, upTo: "6-registration-indexes")
        #expect(try await Migration6StoreTests.indexNames(queue).contains("person_standing") == false)
        try queue.close()

        let pool = try data.openDatabase()
        let store = try SQLiteStore(pool, keyRing: try data.openKeyRing())
        #expect(try await Migration6StoreTests.indexNames(pool).contains("person_standing"))
        let plan = try await pool.read { db in
            try Migration6StoreTests.plan(db, SQLiteHealthRepository.standingSQL, [Data(people[0].bytes)])
        }
        // The person from the covering index; the stale mark (migration 9) by the mark table's key.
        #expect(plan == ["SEARCH person USING COVERING INDEX person_standing (ref=?)", "SCALAR SUBQUERY 1",
                         "SEARCH stale_person USING PRIMARY KEY (ref=?)"], "\(plan)")
        for ref in people {
            let row: Row? = try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT kind, status, status_version, place_id, name FROM person WHERE ref = ?", arguments: [Data(ref.bytes)])
            }
            let stored = try #require(row)
            let standing = try #require(try await store.health.standing(ref))
            #expect(standing.kind.rawValue == stored["kind"] as String && standing.status.rawValue == stored["status"] as String)
            #expect(Int64(standing.statusVersion) == stored["status_version"] as Int64 && standing.placeID == stored["place_id"] as Int64)
            #expect(standing.name == stored["name"] as String)
        }
        // Changes after the migration (through the repositories, as every write goes) are in the index too.
        _ = try await store.people.review(personID: people[2].hex, approve: true, reason: nil, now: Migration6StoreTests.day0 + 600)
        _ = try await store.health.apply(people[2]) { _, _ in HealthUpdate(statusVersion: 9, color: .green, reasons: [], code: nil) }
        let changed = try #require(try await store.health.standing(people[2]))
        #expect(changed.status == .active && changed.statusVersion == 9 && changed.name == "人2")
        #expect(try await store.health.standing(try PersonRef.random()) == nil)
    }
}
