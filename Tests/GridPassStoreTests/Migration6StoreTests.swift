import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Testing

/// A row of the `declaration` table as stored.
struct StoredDeclaration: Equatable, CustomStringConvertible {
    var id: Int64
    var person: [UInt8]
    var day: Int
    var at: Int64
    var source: String
    var temperature: Double
    var symptoms: String
    var visited: String
    var contact: String

    var description: String { "#\(id) \(PersonRef(bytes: person)?.hex ?? "?") \(source) day \(day) @\(at) \(temperature) [\(symptoms)] [\(visited)] \(contact)" }

    /// Every declaration, in id order.
    static func all(_ db: Database) throws -> [StoredDeclaration] {
        try Row.fetchAll(db, sql: "SELECT id, person_ref, day, at, source, temperature, symptoms, visited, contact FROM declaration ORDER BY id").map { row in
            StoredDeclaration(id: row["id"], person: Array(row["person_ref"] as Data), day: row["day"], at: row["at"], source: row["source"],
                              temperature: row["temperature"], symptoms: row["symptoms"], visited: row["visited"], contact: row["contact"])
        }
    }
}

/// A row of the `declaration_region` table as stored.
struct StoredRegion: Hashable, Comparable, CustomStringConvertible {
    var declarationID: Int64
    var person: [UInt8]
    var region: String
    var day: Int

    var description: String { "#\(declarationID) \(region) day \(day) \(PersonRef(bytes: person)?.hex ?? "?")" }

    static func < (a: StoredRegion, b: StoredRegion) -> Bool {
        (a.declarationID, a.region) < (b.declarationID, b.region)
    }

    /// Every row, in (declaration_id, region) order.
    static func all(_ db: Database) throws -> [StoredRegion] {
        try Row.fetchAll(db, sql: "SELECT declaration_id, person_ref, region, day FROM declaration_region").map { row in
            StoredRegion(declarationID: row["declaration_id"], person: Array(row["person_ref"] as Data), region: row["region"], day: row["day"])
        }.sorted()
    }
}

@Suite("SQLite migration 6: registration indexes, WITHOUT ROWID declaration_region, report retention")
struct Migration6StoreTests {
    static let day0 = ScanLogStoreTests.day0
    static let regions = ["110105", "310101", "420106", "440305"]

    /// Random bytes (the test target does not link GridPassCrypto).
    static func bytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    /// What a database made by schema 5 holds: five people, a registration each and five daily reports each (days 0-4, noon
    /// China time), visited regions of every count (none to three) with their declaration_region rows, two deleted
    /// declarations (id gaps) and one duplicated declaration_region row, as migration 3 could copy one. Returns the
    /// data directory and the people.
    static func schema5Database() async throws -> (DataDirectory, [PersonRef]) {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        let people = try (0..<5).map { _ in try PersonRef.random() }
        let queue = try DatabaseQueue(path: data.databasePath)
        try Migrations.migrator.migrate(queue, upTo: "5-scan-log-append-only")
        let applied = try await queue.read { try Migrations.migrator.appliedIdentifiers($0) }
        #expect(applied.contains("5-scan-log-append-only") && !applied.contains("6-registration-indexes"))
        #expect(try await Self.indexNames(queue).isSuperset(of: ["person_id_index", "declaration_at", "declaration_day"]))
        #expect(try await Self.indexNames(queue).contains("declaration_report_at") == false)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO place (id, code, kind, name) VALUES (1, 'U1', 'unit', '1单元'), (2, 'E', 'enterprise', '平山精密')")
            for (i, ref) in people.enumerated() {
                let worker = i % 3 == 2
                try db.execute(sql: """
                    INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                        me_token, created_at, updated_at, status_version, color)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Data(ref.bytes), worker ? "worker" : "resident", worker ? "pending" : "active", worker ? 2 : 1,
                                     Data(Self.bytes(32)), Data(Self.bytes(50)), Data(Self.bytes(40)), "人\(i)", worker ? nil : "10\(i)",
                                     worker ? "装配车间" : nil, Base32.encode(Self.bytes(20)), Self.day0 + Int64(i) * 60,
                                     Self.day0 + Int64(i) * 60, i, "green"])
                // The registration, then a report a day.
                var declarations: [(source: String, at: Int64, visited: [String])] = [("registration", Self.day0 + Int64(i) * 60,
                                                                                      Array(Self.regions.prefix(i % 4)))]
                for d in 0..<5 {
                    declarations.append(("report", Self.day0 + Int64(d) * 86_400 + 4 * 3600 + Int64(i),
                                         Array(Self.regions.dropFirst(d % 4).prefix((i + d) % 4))))
                }
                for (n, d) in declarations.enumerated() {
                    let day = Day(unixSeconds: d.at).number
                    try db.execute(sql: """
                        INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [Data(ref.bytes), day, d.at, d.source, 36.0 + Double(i * 6 + n) / 10,
                                         n % 3 == 1 ? "fever,cough" : "", d.visited.joined(separator: ","),
                                         ["none", "secondary", "close"][(i + n) % 3]])
                    let id = db.lastInsertedRowID
                    for region in d.visited {
                        try db.execute(sql: "INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (?, ?, ?, ?)",
                                       arguments: [id, Data(ref.bytes), region, day])
                    }
                }
            }
            // Gaps in the ids: two deleted reports (their regions go with them, ON DELETE CASCADE).
            try db.execute(sql: "DELETE FROM declaration WHERE id IN (3, 16)")
            // A row twice: the old table had no key.
            try db.execute(sql: """
                INSERT INTO declaration_region (declaration_id, person_ref, region, day)
                    SELECT declaration_id, person_ref, region, day FROM declaration_region ORDER BY declaration_id DESC LIMIT 1
                """)
        }
        try queue.close()
        return (data, people)
    }

    static func indexNames(_ db: some DatabaseReader) async throws -> Set<String> {
        Set(try await db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") })
    }

    /// The `detail` column of EXPLAIN QUERY PLAN.
    static func plan(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
    }

    @Test("migration 6 keeps every declaration and declaration_region row of a schema 5 database, with the same values")
    func keepsRows() async throws {
        let (data, people) = try await Self.schema5Database()
        // What schema 5 holds, read before migrating.
        let queue = try DatabaseQueue(path: data.databasePath)
        let (declarations, oldRegions) = try await queue.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        try queue.close()
        #expect(declarations.count == 5 * 6 - 2)
        #expect(declarations.contains { $0.id == 3 } == false && declarations.contains { $0.id == 16 } == false)
        #expect(Set(declarations.map(\.person)) == Set(people.map(\.bytes)))
        // Every declaration's visited regions have their rows; one row is there twice.
        let expectedRegions = Set(declarations.flatMap { d in
            d.visited.split(separator: ",").map { StoredRegion(declarationID: d.id, person: d.person, region: String($0), day: d.day) }
        })
        #expect(expectedRegions.count > 20)
        #expect(Set(oldRegions) == expectedRegions && oldRegions.count == expectedRegions.count + 1)

        let pool = try data.openDatabase()  // runs migration 6
        #expect(try await pool.read { try Migrations.migrator.appliedIdentifiers($0) }.contains("6-registration-indexes"))
        let (after, regions) = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        #expect(after == declarations)
        // The same rows; the duplicate, which the new primary key cannot hold, once.
        #expect(regions == expectedRegions.sorted())
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try await pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        // The people are untouched.
        #expect(try await pool.read { db in try Data.fetchAll(db, sql: "SELECT ref FROM person ORDER BY created_at") }.map { Array($0) }
                == people.map(\.bytes))
    }

    @Test("after migration 6 the unused indexes are gone, declaration_report_at exists, declaration_region is WITHOUT ROWID keyed by (declaration_id, region)")
    func schema() async throws {
        let (data, _) = try await Self.schema5Database()
        let pool = try data.openDatabase()
        let indexes = try await Self.indexNames(pool)
        for dropped in ["person_id_index", "declaration_at", "declaration_day"] { #expect(!indexes.contains(dropped), "\(dropped)") }
        #expect(indexes.isSuperset(of: ["declaration_report_at", "declaration_region_region_day", "declaration_person_day"]),
                "\(indexes.sorted())")
        let (reportAt, regionTable, leftovers) = try await pool.read { db in
            (try Row.fetchOne(db, sql: "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = 'declaration_report_at'"),
             try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'declaration_region'"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE '%_new%'"))
        }
        #expect((reportAt?["tbl_name"] as String?) == "declaration")
        let reportSQL: String = try #require(reportAt?["sql"])
        #expect(reportSQL.contains("ON declaration(at) WHERE source = 'report'"), "\(reportSQL)")
        let tableSQL = try #require(regionTable)
        #expect(tableSQL.uppercased().contains("WITHOUT ROWID") && tableSQL.contains("PRIMARY KEY (declaration_id, region)"), "\(tableSQL)")
        #expect(leftovers.isEmpty, "\(leftovers)")

        try await pool.read { db in
            // The index of the partial index and of the regions' key, column by column.
            #expect(try Row.fetchAll(db, sql: "PRAGMA index_info(declaration_report_at)").map { $0["name"] as String } == ["at"])
            let keyIndex = try #require(try Row.fetchAll(db, sql: "PRAGMA index_list(declaration_region)").first { ($0["origin"] as String) == "pk" })
            #expect(try Row.fetchAll(db, sql: "PRAGMA index_info(\(keyIndex["name"] as String))").map { $0["name"] as String }
                    == ["declaration_id", "region"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA index_info(declaration_region_region_day)").map { $0["name"] as String } == ["region", "day"])
            // Its foreign key cascades.
            let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(declaration_region)")
            #expect(keys.count == 1)
            let key = try #require(keys.first)
            #expect(key["table"] as String == "declaration" && key["from"] as String == "declaration_id" && key["to"] as String == "id"
                    && key["on_delete"] as String == "CASCADE")
            #expect(try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true)
        }
    }

    @Test("retention's DELETE of old reports (and the same SELECT) uses the partial index declaration_report_at")
    func queryPlan() async throws {
        let (data, _) = try await Self.schema5Database()
        let pool = try data.openDatabase()
        let cutoff = Self.day0 + 2 * 86_400
        try await pool.write { db in
            for sql in ["DELETE FROM declaration WHERE source = 'report' AND at < ?",
                        "SELECT id FROM declaration WHERE source = 'report' AND at < ?"] {
                let plan = try Self.plan(db, sql, [cutoff])
                #expect(plan.contains { $0.contains("USING INDEX declaration_report_at") || $0.contains("USING COVERING INDEX declaration_report_at") },
                        "\(sql): \(plan)")
            }
            // The DELETE's plan includes its cascade, which finds a declaration's regions by their primary key (the old
            // table, without an index on declaration_id, was scanned whole for each deleted declaration).
            let deletePlan = try Self.plan(db, "DELETE FROM declaration WHERE source = 'report' AND at < ?", [cutoff])
            #expect(deletePlan.contains { $0.contains("SEARCH declaration_region USING PRIMARY KEY (declaration_id=?)") }, "\(deletePlan)")
            // The partial index serves only queries that name reports.
            let plan = try Self.plan(db, "SELECT id FROM declaration WHERE at < ?", [cutoff])
            #expect(!plan.contains { $0.contains("declaration_report_at") }, "\(plan)")
            // Deleting a declaration finds its regions by the primary key (the cascade's own look-up).
            let regionPlan = try Self.plan(db, "SELECT region FROM declaration_region WHERE declaration_id = ?", [1])
            #expect(regionPlan.contains { $0.contains("SEARCH declaration_region USING PRIMARY KEY (declaration_id=?)") }, "\(regionPlan)")
        }
    }

    @Test("on the migrated database, deleting a declaration removes its regions; deleting a person removes their declarations and regions")
    func cascade() async throws {
        let (data, people) = try await Self.schema5Database()
        let pool = try data.openDatabase()
        let (declarations, regions) = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        // A declaration with three regions.
        let victim = try #require(declarations.first { $0.visited.split(separator: ",").count == 3 })
        #expect(regions.filter { $0.declarationID == victim.id }.count == 3)
        try await pool.write { db in try db.execute(sql: "DELETE FROM declaration WHERE id = ?", arguments: [victim.id]) }
        var now = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        #expect(now.0 == declarations.filter { $0.id != victim.id })
        #expect(now.1 == regions.filter { $0.declarationID != victim.id })

        // A person: every declaration and region of theirs, no one else's.
        let gone = people[1].bytes
        try await pool.write { db in try db.execute(sql: "DELETE FROM person WHERE ref = ?", arguments: [Data(gone)]) }
        now = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        #expect(now.0 == declarations.filter { $0.id != victim.id && $0.person != gone })
        #expect(now.1 == regions.filter { $0.declarationID != victim.id && $0.person != gone })
        #expect(now.1.contains { $0.person == gone } == false && now.0.contains { $0.person == gone } == false)
        #expect(try await pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test("purge(before:) on the migrated database removes old reports with their regions, never a registration")
    func purge() async throws {
        let (data, _) = try await Self.schema5Database()
        let pool = try data.openDatabase()
        let store = try SQLiteStore(pool, keyRing: try data.openKeyRing())
        let (declarations, regions) = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        let registrations = declarations.filter { $0.source == "registration" }
        #expect(registrations.count == 5 && registrations.allSatisfy { $0.at < Self.day0 + 86_400 })

        // Nothing before day 0 (the registrations are at day 0 + i minutes, the first report at day 0 + 4 h).
        #expect(try await store.health.purge(before: Self.day0) == 0)

        // Before day 2: the reports of days 0 and 1 (one of them deleted before the migration); every registration stays,
        // although they are older still.
        let cutoff = Self.day0 + 2 * 86_400
        let old = declarations.filter { $0.source == "report" && $0.at < cutoff }
        #expect(old.count == 2 * 5 - 1)
        #expect(try await store.health.purge(before: cutoff) == old.count)
        var now = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        let oldIDs = Set(old.map(\.id))
        #expect(now.0 == declarations.filter { !oldIDs.contains($0.id) })
        #expect(now.1 == regions.filter { !oldIDs.contains($0.declarationID) })
        #expect(now.1.count < regions.count)
        #expect(try await store.health.purge(before: cutoff) == 0)

        // Far in the future: every report goes; the registrations and their regions stay.
        #expect(try await store.health.purge(before: Self.day0 + 365 * 86_400) == declarations.count - old.count - registrations.count)
        now = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        #expect(now.0 == registrations)
        let registrationIDs = Set(registrations.map(\.id))
        #expect(now.1 == regions.filter { registrationIDs.contains($0.declarationID) })
        #expect(now.1.isEmpty == false)
    }

    @Test("the migrated database goes on: a risk change finds people through the old region rows; a new registration and report add theirs")
    func goesOn() async throws {
        let (data, people) = try await Self.schema5Database()
        let pool = try data.openDatabase()
        let store = try SQLiteStore(pool, keyRing: try data.openKeyRing())
        let regions = try await pool.read { db in try StoredRegion.all(db) }
        let now = Self.day0 + 5 * 86_400
        let count = try await store.health.setRisk(region: "310101", level: .high, lookbackDays: 14, now: now)
        let touched = try await pool.read { db in try Data.fetchAll(db, sql: "SELECT ref FROM stale_person").map { Array($0) } }
        #expect(Set(touched) == Set(regions.filter { $0.region == "310101" }.map(\.person)))
        #expect(!touched.isEmpty && touched.count < people.count && count == touched.count)

        let declaration = HealthDeclaration(temperature: 36.6, symptoms: [.cough], visited: ["440305", "110105"], contact: .none)
        var registration = ScanLogStoreTests.registration(placeID: 1, seq: 42)
        registration.declaration = declaration
        let person = try await store.people.register(registration, now: now, decide: { _, _ in nil }).person
        try await store.health.addReport(person.ref, HealthDeclaration(temperature: 36.4, symptoms: [], visited: ["110105"], contact: .none),
                                         now: now + 60)
        let (declarations, after) = try await pool.read { db in (try StoredDeclaration.all(db), try StoredRegion.all(db)) }
        let mine = declarations.filter { $0.person == person.ref.bytes }
        #expect(mine.map(\.source) == ["registration", "report"])
        let day = Day(unixSeconds: now).number
        #expect(after.filter { $0.person == person.ref.bytes } == [
            StoredRegion(declarationID: mine[0].id, person: person.ref.bytes, region: "110105", day: day),
            StoredRegion(declarationID: mine[0].id, person: person.ref.bytes, region: "440305", day: day),
            StoredRegion(declarationID: mine[1].id, person: person.ref.bytes, region: "110105", day: Day(unixSeconds: now + 60).number),
        ])
        #expect(Array(after.filter { $0.person != person.ref.bytes }) == regions)
        #expect(mine[0].id > declarations.filter { $0.person != person.ref.bytes }.map(\.id).max()!)
    }
}
