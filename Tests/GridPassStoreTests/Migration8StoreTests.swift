import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Testing

@Suite("Migration 8: people by place through the identity index")
struct Migration8StoreTests {
    @Test("person_place_status is gone; reading the people of a place (coverage, pending workers) still searches by place, never scans every person")
    func peopleByPlace() async throws {
        let (data, people) = try await Migration6StoreTests.schema5Database()
        let queue = try DatabaseQueue(path: data.databasePath)
        try Migrations.migrator.migrate(queue, upTo: "7-standing-index")
        #expect(try await Migration6StoreTests.indexNames(queue).contains("person_place_status"))
        try queue.close()

        let pool = try data.openDatabase()
        #expect(try await Migration6StoreTests.indexNames(pool).contains("person_place_status") == false)
        let plans = try await pool.read { db in
            (try Migration6StoreTests.plan(db, SQLiteStaffRepository.scopeCTE + """
                SELECT p.ref FROM person p JOIN scope ON scope.id = p.place_id
                """, [1]),
             try Migration6StoreTests.plan(db, "SELECT * FROM person WHERE place_id = ? AND status = 'pending'", [1]))
        }
        #expect(plans.0.contains { $0.hasPrefix("SEARCH p USING INDEX sqlite_autoindex_person_") && $0.contains("(place_id=?)") }, "\(plans.0)")
        #expect(plans.0.contains { $0.hasPrefix("SCAN p") } == false, "\(plans.0)")
        #expect(plans.1.count == 1 && plans.1[0].hasPrefix("SEARCH person USING INDEX sqlite_autoindex_person_") && plans.1[0].contains("(place_id=?)"),
                "\(plans.1)")
        // Every person is still there, and the coverage of the whole tree lists each once.
        let staff = SQLiteStaffRepository(pool)
        let covered = try await staff.people(under: nil)
        #expect(Set(covered.map(\.id)) == Set(people.map(\.hex)))
    }
}
