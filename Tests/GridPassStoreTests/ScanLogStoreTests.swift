import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Testing

/// A row of the `scan` table as stored.
struct StoredScan: Equatable, CustomStringConvertible {
    var id: Int64
    var checkpointID: Int64?
    var person: [UInt8]?
    var result: String
    var reason: String
    var at: Int64

    var description: String { "#\(id) \(checkpointID.map(String.init) ?? "-") \(person.map { PersonRef(bytes: $0)?.hex ?? "?" } ?? "NULL") \(result)/\(reason) @\(at)" }

    /// Every scan, in id order.
    static func all(_ db: some DatabaseReader) async throws -> [StoredScan] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, checkpoint_id, person_ref, result, reason, at FROM scan ORDER BY id").map { row in
                StoredScan(id: row["id"], checkpointID: row["checkpoint_id"], person: (row["person_ref"] as Data?).map { Array($0) },
                           result: row["result"], reason: row["reason"], at: row["at"])
            }
        }
    }

    /// The stored fields of `scan`, without the id.
    func matches(_ scan: ScanRecord) -> Bool {
        checkpointID == scan.checkpointID && person == scan.person?.bytes && result == scan.result && reason == scan.reason && at == scan.at
    }
}

@Suite("SQLite scan log: append in chunks, retention by time, migration 5")
struct ScanLogStoreTests {
    /// 2026-11-20T00:00:00Z (08:00 China time), the first day of the scenarios.
    static let day0: Int64 = 1_795_132_800

    func open() throws -> (DataDirectory, DatabasePool, SQLiteStore) {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        let pool = try data.openDatabase()
        return (data, pool, try SQLiteStore(pool, keyRing: try data.openKeyRing()))
    }

    /// The ids of the two checkpoints of `PlaceStoreTests.street` (scan rows reference places).
    func checkpoints(_ store: SQLiteStore) async throws -> (Int64, Int64) {
        _ = try await store.places.importPlaces(csv: PlaceStoreTests.street)
        return (try #require(try await store.places.place(code: "CP")).id, try #require(try await store.places.place(code: "GATE")).id)
    }

    /// `count` scans of every kind of field: either checkpoint or none, a person or none, CJK reasons;
    /// `at` grows by `step` seconds from `start` (several scans may share a second when `step` is 0).
    static func scans(_ count: Int, start: Int64, step: Int64 = 1, checkpoints: (Int64, Int64)) throws -> [ScanRecord] {
        let ids: [Int64?] = [checkpoints.0, checkpoints.1, nil]
        let results = ["pass", "stop", "invalid"]
        return try (0..<count).map { (i: Int) -> ScanRecord in
            let person: PersonRef? = i % 4 == 3 ? nil : try PersonRef.random()
            let reason = i % 5 == 0 ? "原因-\(i)" : "reason-\(i)"
            return ScanRecord(checkpointID: ids[i % 3], person: person, result: results[i % 3], reason: reason, at: start + Int64(i) * step)
        }
    }

    @Test("logging 0, 1, 99, 100, 101 or 250 scans in one call stores every row with its fields, in order",
          arguments: [0, 1, 99, 100, 101, 250])
    func chunkedInsert(count: Int) async throws {
        let (_, pool, store) = try open()
        let cps = try await checkpoints(store)
        let first = try Self.scans(count, start: Self.day0, checkpoints: cps)
        try await store.health.logScans(first)
        var stored = try await StoredScan.all(pool)
        #expect(stored.count == count)
        for (row, scan) in zip(stored, first) { #expect(row.matches(scan), "\(row)") }
        #expect(stored.map(\.id) == stored.map(\.id).sorted() && Set(stored.map(\.id)).count == count)
        #expect(stored.contains { $0.person == nil } == (count > 3))
        #expect(stored.contains { $0.checkpointID == nil } == (count > 2))

        // A second call appends after the first.
        let second = try Self.scans(count, start: Self.day0 + 10_000, step: 0, checkpoints: cps)
        try await store.health.logScans(second)
        stored = try await StoredScan.all(pool)
        #expect(stored.count == 2 * count)
        for (row, scan) in zip(stored, first + second) { #expect(row.matches(scan), "\(row)") }
        #expect(stored.map(\.id) == stored.map(\.id).sorted())
    }

    @Test("one scan at a time (logScan) and a batch interleave in call order")
    func singleAndBatch() async throws {
        let (_, pool, store) = try open()
        let cps = try await checkpoints(store)
        let all = try Self.scans(130, start: Self.day0, checkpoints: cps)
        try await store.health.logScan(all[0])
        try await store.health.logScans(Array(all[1..<128]))
        try await store.health.logScan(all[128])
        try await store.health.logScans([all[129]])
        let stored = try await StoredScan.all(pool)
        #expect(stored.count == 130)
        for (row, scan) in zip(stored, all) { #expect(row.matches(scan), "\(row)") }
    }

    @Test("purge(before:) removes exactly the scans before the instant, with old daily reports, and returns their count")
    func purge() async throws {
        let (_, pool, store) = try open()
        let cps = try await checkpoints(store)
        // Five days of scans, logged as the server does: batches in time order, several a second.
        var logged: [ScanRecord] = []
        for day in 0..<5 as Range<Int64> {
            for batch in 0..<3 as Range<Int64> {
                let scans = try Self.scans(40, start: Self.day0 + day * 86_400 + batch * 3600, step: batch == 1 ? 0 : 7, checkpoints: cps)
                try await store.health.logScans(scans)
                logged += scans
            }
        }
        // A person registered on day 0 with a daily report at noon China time on each day: reports are purged, the
        // registration is not. (Noon: a report before the purge instant is also on a day before it.)
        let u1 = try #require(try await store.places.place(code: "U1"))
        let person = try await store.people.register(Self.registration(placeID: u1.id), now: Self.day0, decide: { _, _ in nil }).person
        for day in 0..<5 as Range<Int64> {
            try await store.health.addReport(person.ref, Self.declaration, now: Self.day0 + day * 86_400 + 4 * 3600)
        }
        #expect(try await Self.declarations(pool) == ["registration": 1, "report": 5])

        // Nothing is older than day 0.
        #expect(try await store.health.purge(before: Self.day0) == 0)
        #expect(try await StoredScan.all(pool).count == logged.count)

        // Before day 2: days 0 and 1 (240 scans, 2 reports).
        let day2 = Self.day0 + 2 * 86_400
        let before = try await StoredScan.all(pool)
        #expect(try await store.health.purge(before: day2) == 240 + 2)
        var stored = try await StoredScan.all(pool)
        #expect(stored == before.filter { $0.at >= day2 })
        #expect(stored.count == logged.filter { $0.at >= day2 }.count)
        #expect(try await Self.declarations(pool) == ["registration": 1, "report": 3])

        // An instant shared by several scans (the second batch of day 3 is 40 scans in one second): all of them stay;
        // day 2's report goes.
        let shared = Self.day0 + 3 * 86_400 + 3600
        #expect(logged.filter { $0.at == shared }.count == 40)
        let expected = stored.filter { $0.at < shared }.count
        #expect(expected == 160)
        #expect(try await store.health.purge(before: shared) == expected + 1)
        #expect(try await Self.declarations(pool) == ["registration": 1, "report": 2])
        stored = try await StoredScan.all(pool)
        #expect(stored.first?.at == shared && stored.count == logged.filter { $0.at >= shared }.count)
        #expect(stored == before.filter { $0.at >= shared })
        // One second later, those 40 go.
        #expect(try await store.health.purge(before: shared + 1) == 40)
        #expect(try await StoredScan.all(pool) == before.filter { $0.at > shared })

        // Purging again at the same instant removes nothing.
        #expect(try await store.health.purge(before: shared + 1) == 0)
    }

    @Test("purging when every scan is old empties the table; later scans are kept by the next purge")
    func purgeAll() async throws {
        let (_, pool, store) = try open()
        let cps = try await checkpoints(store)
        let old = try Self.scans(150, start: Self.day0, step: 60, checkpoints: cps)
        try await store.health.logScans(old)
        #expect(try await store.health.purge(before: Self.day0 + 30 * 86_400) == 150)
        #expect(try await StoredScan.all(pool).isEmpty)
        // The empty table: nothing to purge.
        #expect(try await store.health.purge(before: Self.day0 + 60 * 86_400) == 0)

        // Logging resumes (ids may start again from 1 once the table is empty); retention still sees time.
        let later = Self.day0 + 40 * 86_400
        let fresh = try Self.scans(120, start: later, step: 60, checkpoints: cps)
        try await store.health.logScans(fresh)
        var stored = try await StoredScan.all(pool)
        #expect(stored.count == 120)
        for (row, scan) in zip(stored, fresh) { #expect(row.matches(scan), "\(row)") }
        #expect(try await store.health.purge(before: later) == 0)
        #expect(try await store.health.purge(before: later + 60 * 100) == 100)
        stored = try await StoredScan.all(pool)
        #expect(stored.count == 20)
        for (row, scan) in zip(stored, fresh.suffix(20)) { #expect(row.matches(scan), "\(row)") }
    }

    @Test("purging when no scan is old removes nothing")
    func purgeNone() async throws {
        let (_, pool, store) = try open()
        let cps = try await checkpoints(store)
        try await store.health.logScans(try Self.scans(101, start: Self.day0, checkpoints: cps))
        let before = try await StoredScan.all(pool)
        #expect(try await store.health.purge(before: Self.day0) == 0)
        #expect(try await store.health.purge(before: 0) == 0)
        #expect(try await StoredScan.all(pool) == before)
    }

    @Test("migration 5 keeps the scans of a database made by schema 4, ids and fields; the table has no AUTOINCREMENT and no index on at")
    func migration5() async throws {
        let data = try DataDirectory(path: try makeTemporaryDirectory().path)
        let refs = try (0..<4).map { _ in try PersonRef.random() }
        // The database as the previous release left it.
        do {
            let queue = try DatabaseQueue(path: data.databasePath)
            try Migrations.migrator.migrate(queue, upTo: "4-staff")
            #expect(try await queue.read { try Migrations.migrator.appliedIdentifiers($0) }.contains("5-scan-log-append-only") == false)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO place (id, code, kind, name) VALUES (7, 'CP', 'checkpoint', '北门'), (9, 'GATE', 'checkpoint', '东门')")
                for i in 0..<300 {
                    try db.execute(sql: "INSERT INTO scan (checkpoint_id, person_ref, result, reason, at) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [([7, 9, nil] as [Int64?])[i % 3], i % 5 == 4 ? nil : Data(refs[i % 4].bytes),
                                               ["pass", "stop", "invalid"][i % 3], i % 7 == 0 ? "原因\(i)" : "reason\(i)",
                                               Self.day0 + Int64(i) * 60])
                }
                // An earlier purge and a deleted last row: ids start at 11 and have a gap.
                try db.execute(sql: "DELETE FROM scan WHERE id <= 10 OR id IN (150, 151, 300)")
            }
            try queue.close()
        }
        let expected: [StoredScan] = (0..<300).compactMap { i in
            let id = Int64(i + 1)
            guard id > 10, ![150, 151, 300].contains(id) else { return nil }
            return StoredScan(id: id, checkpointID: [7, 9, nil][i % 3], person: i % 5 == 4 ? nil : refs[i % 4].bytes,
                              result: ["pass", "stop", "invalid"][i % 3], reason: i % 7 == 0 ? "原因\(i)" : "reason\(i)",
                              at: Self.day0 + Int64(i) * 60)
        }
        #expect(expected.count == 287)

        let pool = try data.openDatabase()  // runs migration 5
        #expect(try await pool.read { try Migrations.migrator.appliedIdentifiers($0) }.contains("5-scan-log-append-only"))
        #expect(try await StoredScan.all(pool) == expected)
        let (sql, indexes) = try await pool.read { db in
            (try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'scan'"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scan'"))
        }
        #expect(sql?.uppercased().contains("AUTOINCREMENT") == false)
        #expect(indexes.isEmpty, "\(indexes)")
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'scan_new'") } == 0)

        // The migrated log goes on: new scans after the old ones, retention across both.
        let store = try SQLiteStore(pool, keyRing: try data.openKeyRing())
        let fresh = try Self.scans(120, start: Self.day0 + 300 * 60, step: 60, checkpoints: (7, 9))
        try await store.health.logScans(fresh)
        let stored = try await StoredScan.all(pool)
        #expect(Array(stored.prefix(287)) == expected)
        #expect(stored.count == 287 + 120 && stored.dropFirst(287).allSatisfy { $0.id > 299 })
        for (row, scan) in zip(stored.dropFirst(287), fresh) { #expect(row.matches(scan), "\(row)") }
        #expect(try await store.health.purge(before: Self.day0 + 200 * 60) == expected.filter { $0.at < Self.day0 + 200 * 60 }.count)
        #expect(try await StoredScan.all(pool).first?.at == Self.day0 + 200 * 60)
    }

    // MARK: - Helpers

    static let declaration = HealthDeclaration(temperature: 36.5, symptoms: [], visited: [], contact: Contact.none)

    static func registration(placeID: Int64, kind: PersonKind = .resident, name: String = "张三华", seq: Int = 1) -> RegistrationData {
        let body = "110105" + "19850615" + String(format: "%03d", seq)
        let id = body + String(IdentityNumber.checkCharacter(of: body)!)
        return RegistrationData(placeID: placeID, kind: kind, name: name, idNumber: id, phone: "13800138000",
                                room: kind == .resident ? "101" : nil, department: kind == .worker ? "装配车间" : nil, declaration: declaration)
    }

    /// Declarations by source.
    static func declarations(_ db: some DatabaseReader) async throws -> [String: Int] {
        try await db.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, count(*) AS n FROM declaration GROUP BY source") { counts[row["source"]] = row["n"] }
            return counts
        }
    }
}
