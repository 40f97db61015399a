import Foundation
import GRDB
import GridPassCore
import GridPassPostgres
@testable import GridPassStore
import GridPassTestSupport
import Testing

@Suite("Places and the key ring (SQLite and PostgreSQL)")
struct PlaceStoreTests {
    static let header = "kind,code,name,parent,rooms,households\n"
    static let street = header + """
        district,D,平山区,,,
        street,S,东明街道,D,,
        community,C,东进社区,S,,100
        grid,G,第1网格,C,,100
        building,B,1号楼,G,,
        unit,U1,1单元,B,101-104,4
        unit,U2,2单元,B,,
        building,B2,2号平房,G,1-6,6
        enterprise,E,平山精密机械有限公司,G,,
        checkpoint,CP,北门,E,,
        checkpoint,GATE,东门,C,,
        """

    func open() throws -> (DataDirectory, SQLitePlaceRepository) {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        return (data, try SQLitePlaceRepository(try data.openDatabase()))
    }

    @Test("import, doors in tree order, paths", arguments: Backend.all)
    func importAndDoors(_ backend: Backend) async throws {
        try await backend.withPlaces { repo in
            let summary = try await repo.importPlaces(csv: Self.street)
            #expect(summary == PlaceImportSummary(inserted: 11, updated: 0))
            let street = try #require(try await repo.place(code: "S"))
            let doors = try await repo.doors(under: street)
            #expect(doors.map(\.place.code) == ["U1", "U2", "B2", "E", "CP", "GATE"])
            let u1 = try #require(doors.first)
            #expect(u1.fullName == "平山区东明街道东进社区 1号楼 1单元")
            #expect(u1.place.rooms == ["101", "102", "103", "104"])
            #expect(try await repo.doors(under: try #require(try await repo.place(code: "B"))).map(\.place.code) == ["U1", "U2"])
        }
    }

    @Test("a file with one bad row imports nothing; re-import updates", arguments: Backend.all)
    func atomic(_ backend: Backend) async throws {
        try await backend.withPlaces { repo in
            let bad = Self.street + "\nunit,U3,3单元,NOWHERE,,\n"
            await #expect(throws: PlaceImport.Failure.self) { try await repo.importPlaces(csv: bad) }
            #expect(try await repo.count() == 0)
            _ = try await repo.importPlaces(csv: Self.street)
            let again = try await repo.importPlaces(csv: Self.header + "unit,U2,2单元（新）,B,201-202,\n")
            #expect(again == PlaceImportSummary(inserted: 0, updated: 1))
            #expect(try await repo.count() == 11)
            #expect(try await repo.place(code: "U2")?.name == "2单元（新）")
            #expect(try await repo.place(code: "U2")?.rooms == ["201", "202"])
        }
    }

    @Test("rotating a poster bumps its serial; only doors have posters", arguments: Backend.all)
    func rotate(_ backend: Backend) async throws {
        try await backend.withPlaces { repo in
            _ = try await repo.importPlaces(csv: Self.street)
            #expect(try await repo.rotatePoster(code: "U1").posterSerial == 2)
            #expect(try await repo.place(code: "U1")?.posterSerial == 2)
            await #expect(throws: RepositoryError.self) { try await repo.rotatePoster(code: "B") }
            await #expect(throws: RepositoryError.self) { try await repo.rotatePoster(code: "NOPE") }
        }
    }

    @Test("settings, paths, children and poster serials", arguments: Backend.all)
    func settingsAndPaths(_ backend: Backend) async throws {
        try await backend.withPlaces { repo in
            #expect(try await repo.setting("public_url") == nil)
            try await repo.setSetting("public_url", "http://a")
            try await repo.setSetting("public_url", "http://b")
            #expect(try await repo.setting("public_url") == "http://b")
            _ = try await repo.importPlaces(csv: Self.street)
            let u1 = try #require(try await repo.place(code: "U1"))
            #expect(try await repo.path(of: u1).ancestors.map(\.code) == ["D", "S", "C", "G", "B"])
            #expect(try await repo.path(placeID: u1.id)?.fullName == "平山区东明街道东进社区 1号楼 1单元")
            #expect(try await repo.path(placeID: 999_999) == nil)
            #expect(try await repo.place(id: u1.id) == u1)
            #expect(try await repo.children(of: nil).map(\.code) == ["D"])
            #expect(try await repo.children(of: try #require(try await repo.place(code: "B"))).map(\.code) == ["U1", "U2"])
            #expect(try await repo.posterSerial(placeID: u1.id) == 1)
            #expect(try await repo.posterSerial(placeID: 999_999) == nil)
        }
    }

    @Test("a new database has 2 KiB pages; an existing database keeps its page size when opened again")
    func pageSize() async throws {
        let (data, _) = try open()
        let pool = try data.openDatabase()
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == DataDirectory.pageSize)
        #expect(try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")

        // A database made with SQLite's default pages (before this setting): opened, migrated, unchanged.
        let old = try DataDirectory(path: try makeTemporaryDirectory().path)
        let queue = try DatabaseQueue(path: old.databasePath)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE early (x)") }
        try queue.close()
        let reopened = try old.openDatabase()
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") } == 0)
    }

    @Test("database and key ring are created with mode 0600; keys of every purpose; rotation keeps old keys")
    func keyRing() async throws {
        let (data, _) = try open()
        let ring = try data.openKeyRing()
        for path in [data.databasePath, data.keyRingPath, data.changesPath] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        let first = ring.keys()
        #expect(KeyPurpose.allCases.allSatisfy { first.current($0) != nil })
        let added = try ring.rotate([.healthCodes])
        #expect(added.count == 1)
        let after = ring.keys()
        #expect(after.keys.count == 4)
        #expect(after.current(.healthCodes)?.id == added[0].id)
        #expect(after.key(id: try #require(first.current(.healthCodes)).id, purpose: .healthCodes) != nil)
        // Another process (a second ring on the same file) sees the same keys and the rotation.
        let other = try data.openKeyRing()
        #expect(other.keys().current(.healthCodes)?.secret == after.current(.healthCodes)?.secret)
        try ring.rotate([.posterTokens])
        #expect(other.keys(refresh: true).current(.posterTokens)?.id == ring.keys().current(.posterTokens)?.id)
    }
}
