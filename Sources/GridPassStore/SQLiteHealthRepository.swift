import Foundation
import GRDB
import GridPassCore

/// Health codes, declarations, flags, risk regions and scans in SQLite.
public struct SQLiteHealthRepository: HealthRepository {
    let db: DatabasePool
    let writer: GroupCommit
    /// Read-only connections used only synchronously, for the scan hot path (see `standingNow`).
    let hotReaders: HotReaders
    /// Standings read since the last change to anyone (see `standing`).
    let standings: StandingCache

    init(_ db: DatabasePool, writer: GroupCommit, hot: HotReaders, standings: StandingCache) {
        self.db = db
        self.writer = writer
        self.hotReaders = hot
        self.standings = standings
    }

    public func healthRecord(_ ref: PersonRef) async throws -> HealthRecord? {
        try await db.read { db in try Self.record(ref, db) }
    }

    /// The person's health record as stored, read on `db` (inside or outside a transaction).
    static func record(_ ref: PersonRef, _ db: Database) throws -> HealthRecord? {
        let key = Data(ref.bytes)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(SQLitePersonRepository.columns), status_version, color, reasons, code_payload, code_color, code_version,
                   code_issued_at, code_expires_at, EXISTS (SELECT 1 FROM stale_person s WHERE s.ref = person.ref)
            FROM person WHERE ref = ?
            """), arguments: [key]) else { return nil }
        let declarations = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT day, temperature, symptoms, visited, contact FROM declaration WHERE person_ref = ? AND struck_at IS NULL ORDER BY id
            """), arguments: [key]).map { d in
            Declaration(day: Day(number: d[0]), temperature: d[1], symptoms: HealthReasonCoding.list(d[2]), visited: HealthReasonCoding.list(d[3]), contact: d[4])
        }
        let flags = try Row.fetchAll(db.cachedStatement(sql: "SELECT kind, day FROM flag WHERE person_ref = ? ORDER BY id"),
                                     arguments: [key]).compactMap { f in
            StaffFlagKind(rawValue: f[0]).map { StaffFlag($0, day: Day(number: f[1])) }
        }
        let c = SQLitePersonRepository.columnCount  // the health columns follow the person's
        var code: StoredCode?
        if let payload: String = row[c + 3], let color = HealthColor(rawValue: row[c + 4] ?? "") {
            code = StoredCode(payload: payload, color: color, statusVersion: UInt32(row[c + 5] as Int64),
                              issuedAt: row[c + 6], expiresAt: row[c + 7])
        }
        return HealthRecord(person: SQLitePersonRepository.person(row), statusVersion: UInt32(row[c] as Int64),
                            color: (row[c + 1] as String?).flatMap(HealthColor.init(rawValue:)),
                            reasons: HealthReasonCoding.decode(row[c + 2]), code: code,
                            declarations: declarations, flags: flags, stale: row[c + 8])
    }

    public func apply(_ ref: PersonRef, decide: @escaping HealthDecision) async throws -> HealthRecord? {
        try await writer.write { db in try Self.apply(ref, db, decide: decide) }
    }

    /// Reads the record and the risk list, asks `decide`, and stores its update — on `db`,
    /// inside the caller's write transaction.
    static func apply(_ ref: PersonRef, _ db: Database, decide: HealthDecision) throws -> HealthRecord? {
        guard let record = try record(ref, db) else { return nil }
        return try apply(to: record, db, decide: decide)
    }

    /// The same for a record already in hand (with the risk list, when the caller has read it):
    /// stores what `HealthRecompute.plan` decides, and clears a stale person's mark.
    static func apply(to record: HealthRecord, _ db: Database, risks: [String: RiskLevel]? = nil,
                      decide: HealthDecision) throws -> HealthRecord {
        let key = Data(record.person.ref.bytes)
        let (write, after) = try HealthRecompute.plan(record, risks: try risks ?? riskList(db), decide: decide)
        if record.stale {
            try db.cachedStatement(sql: "DELETE FROM stale_person WHERE ref = ?").execute(arguments: [key])
        }
        switch write {
        case .nothing:
            break
        case .versionOnly(let version):
            try db.cachedStatement(sql: "UPDATE person SET status_version = ?, code_payload = NULL, code_color = NULL, "
                                   + "code_version = NULL, code_issued_at = NULL, code_expires_at = NULL WHERE ref = ?")
                .execute(arguments: [Int64(version), key])
        case .update(let update):
            try db.cachedStatement(sql: """
                UPDATE person SET status_version = ?, color = ?, reasons = ?, code_payload = ?, code_color = ?, code_version = ?,
                                  code_issued_at = ?, code_expires_at = ?
                WHERE ref = ?
                """).execute(arguments: StatementArguments(columns(of: update)) + [key])
        }
        return after
    }

    /// The values of `update` for the columns status_version, color, reasons, code_payload,
    /// code_color, code_version, code_issued_at, code_expires_at, in that order.
    static func columns(of update: HealthUpdate) -> [(any DatabaseValueConvertible)?] {
        [Int64(update.statusVersion), update.color.rawValue, HealthReasonCoding.encode(update.reasons),
         update.code?.payload, update.code?.color.rawValue, update.code.map { Int64($0.statusVersion) },
         update.code?.issuedAt, update.code?.expiresAt]
    }


    public func addReport(_ ref: PersonRef, _ declaration: HealthDeclaration, now: Int64, enteredBy: Int64?) async throws {
        try await writer.write { db in
            try SQLitePersonRepository.insertDeclaration(db, ref: ref, declaration, source: "report", now: now, enteredBy: enteredBy)
        }
    }

    public func addFlag(_ ref: PersonRef, kind: StaffFlagKind, by userID: Int64?, now: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO flag (person_ref, kind, day, at, by_user) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Data(ref.bytes), kind.rawValue, Day(unixSeconds: now).number, now, userID])
        }
    }

    public func riskList() async throws -> [String: RiskLevel] {
        try await db.read { db in try Self.riskList(db) }
    }

    static func riskList(_ db: Database) throws -> [String: RiskLevel] {
        var list: [String: RiskLevel] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT region, level FROM risk_region")) {
            if let level = RiskLevel(rawValue: row["level"]) { list[row["region"]] = level }
        }
        return list
    }

    // MARK: - Changes over sets
    //
    // A risk change or new rules can alter the colour of hundreds of thousands of people at
    // once. Such a change writes, in the same transaction as the change itself, one row a person
    // into `stale_person` (8 bytes; a statement over the set, never a loop of transactions): the
    // wide person rows and their indexes are not touched, so 100 000 people cost a few MB of log,
    // not the whole person table. From the commit on, `standingSQL` reads a stale person's status
    // version one higher, so every code they hold verifies as `superseded` at the next scan on
    // any process (the commit bumps the change counter, which empties the scans' cache). A
    // person is recomputed, and their mark cleared, by `apply` (their page, a report, a flag, a
    // re-registration) or by `recomputeStale` (the server's background pass), with the same
    // decision in both; recomputed, they hold a new code with that higher status version. A crash before the commit leaves nothing; after it, the marks are in the
    // database and the next server to start carries on with them.

    public func setRisk(region: String, level: RiskLevel?, lookbackDays: Int, now: Int64) async throws -> Int {
        try await writer.write { db in
            if let level {
                try db.execute(sql: """
                    INSERT INTO risk_region (region, level, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(region) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at
                    """, arguments: [region, level.rawValue, now])
            } else {
                try db.execute(sql: "DELETE FROM risk_region WHERE region = ?", arguments: [region])
            }
            let since = Day(unixSeconds: now).number - lookbackDays
            // Sorted, so that the marks are appended to the index in order.
            try db.execute(sql: """
                INSERT OR IGNORE INTO stale_person (ref)
                SELECT DISTINCT person_ref FROM declaration_region WHERE region = ? AND day > ? ORDER BY person_ref
                """, arguments: [region, since])
            return try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT person_ref) FROM declaration_region WHERE region = ? AND day > ?",
                                    arguments: [region, since]) ?? 0
        }
    }

    public func adoptRules(_ text: String, key: String, defaults: String) async throws -> Int {
        try await writer.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, text])
            guard (stored ?? defaults) != text else { return 0 }
            try db.execute(sql: "INSERT OR IGNORE INTO stale_person (ref) SELECT ref FROM person ORDER BY ref")
            return db.changesCount
        }
    }

    /// Its commits leave the scans' change counter alone: a stale person's standing reads the
    /// same before and after their recompute (see `apply(to:)`), and nobody else is written, so
    /// the scans' cache stays valid through the whole pass.
    public func recomputeStale(limit: Int, decide: @escaping HealthDecision) async throws -> Int {
        try await writer.write(changesStandings: false) { db in
            let marks = try Data.fetchAll(db.cachedStatement(sql: "SELECT ref FROM stale_person LIMIT ?"), arguments: [limit])
            guard !marks.isEmpty else { return 0 }
            let risks = try Self.riskList(db)
            for mark in marks {
                if let ref = PersonRef(bytes: Array(mark)), let record = try Self.record(ref, db) {
                    _ = try Self.apply(to: record, db, risks: risks, decide: decide)
                } else {  // the person is gone
                    try db.cachedStatement(sql: "DELETE FROM stale_person WHERE ref = ?").execute(arguments: [mark])
                }
            }
            return marks.count
        }
    }

    public func staleCount() async throws -> Int {
        try await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stale_person") ?? 0 }
    }

    /// A scan's read of a person. From `standings` while no write to anyone has been committed,
    /// by this process or another, since it was read (`ChangeCounter`); otherwise from the
    /// database.
    public func standing(_ ref: PersonRef) async throws -> StoredStanding? {
        try standings.value(for: ref) { try standingNow(ref) }
    }

    /// The database read behind `standing`: one primary-key read, done on the calling thread on a free
    /// hot-reader connection (see `HotReaders`), because hopping to a reader queue and back
    /// costs far more than the read itself. Each read sees everything committed before it, by
    /// this process or another.
    func standingNow(_ ref: PersonRef) throws -> StoredStanding? {
        try hotReaders.row(Self.standingSQL, blob: ref.bytes) { row in
            (PersonKind(rawValue: row.text(0)) ?? .resident, PersonRecord.Status(rawValue: row.text(1)) ?? .pending,
             UInt32(truncatingIfNeeded: row.int64(2)), row.int64(3), row.text(4))
        }
    }

    /// One descent of the covering index `person_standing` (migration 7); SQLite would otherwise
    /// take the primary key's index and then the table row.
    /// A stale person's version reads one higher (see "Changes over sets"): an empty table's
    /// lookup costs next to nothing.
    static let standingSQL = """
        SELECT kind, status, status_version + EXISTS (SELECT 1 FROM stale_person WHERE ref = ?1), place_id, name
        FROM person INDEXED BY person_standing WHERE ref = ?1
        """

    public func logScan(_ scan: ScanRecord) async throws {
        try await logScans([scan])
    }

    /// Appends scans in order, many rows a statement (one statement per scan cost more than the
    /// row itself).
    public func logScans(_ scans: [ScanRecord]) async throws {
        guard !scans.isEmpty else { return }
        try await db.write { db in
            var start = 0
            while start < scans.count {
                let chunk = scans[start..<min(start + Self.scanRowsPerInsert, scans.count)]
                let statement = try db.cachedStatement(sql: Self.scanInsert(rows: chunk.count))
                var values: [(any DatabaseValueConvertible)?] = []
                values.reserveCapacity(chunk.count * 5)
                for scan in chunk {
                    values.append(scan.checkpointID)
                    values.append(scan.person.map { Data($0.bytes) })
                    values.append(scan.result)
                    values.append(scan.reason)
                    values.append(scan.at)
                }
                try statement.execute(arguments: StatementArguments(values))
                start += chunk.count
            }
        }
    }

    static let scanRowsPerInsert = 100

    static func scanInsert(rows: Int) -> String {
        "INSERT INTO scan (checkpoint_id, person_ref, result, reason, at) VALUES "
            + repeatElement("(?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    public func purge(before: Int64) async throws -> Int {
        try await db.write { db in
            // Scans are appended in time order (ids grow with `at`), so the old ones are the ids
            // below the first recent one: found by walking from the oldest, without an index.
            try db.execute(sql: """
                DELETE FROM scan WHERE id < coalesce((SELECT id FROM scan WHERE at >= ? ORDER BY id LIMIT 1),
                                                     (SELECT max(id) + 1 FROM scan), 0)
                """, arguments: [before])
            var count = db.changesCount
            // Through the partial index declaration_report_at.
            try db.execute(sql: "DELETE FROM declaration WHERE source = 'report' AND at < ?", arguments: [before])
            count += db.changesCount
            return count
        }
    }

}
