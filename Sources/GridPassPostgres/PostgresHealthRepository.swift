import Foundation
import GridPassCore
import PostgresNIO

/// Health codes, declarations, flags, risk regions and scans on PostgreSQL: the same contract as
/// `SQLiteHealthRepository`, with its set-based changes (see "Changes over sets" there): a risk
/// change or new rules mark everyone they touch in `stale_person` in the transaction of the
/// change; a scan reads a stale person's status version one higher. No cache: a scan reads the
/// database, so a change committed by any node is in force at the next scan on every node; the
/// scans of concurrent requests share their reads (`BatchedLookup`: one query for many people,
/// each begun after the scans it answers).
public struct PostgresHealthRepository: HealthRepository {
    let database: PostgresDatabase
    let standings: BatchedLookup<PersonRef, StoredStanding>

    public init(_ database: PostgresDatabase) {
        self.database = database
        standings = BatchedLookup(maxRunning: 2) { refs in try await Self.readStandings(refs, database) }
    }

    var logger: Logger { database.logger }

    public func healthRecord(_ ref: PersonRef) async throws -> HealthRecord? {
        try await database.client.withConnection { connection in try await Self.record(ref, connection, logger: logger, lock: false) }
    }

    /// The person's health record as stored; with `lock`, their row is locked until the end of
    /// the transaction (two changes of one person on two nodes take turns).
    static func record(_ ref: PersonRef, _ connection: PostgresConnection, logger: Logger, lock: Bool) async throws -> HealthRecord? {
        // One round trip: the declarations and flags come as arrays beside the person's row, each
        // table read once (a change of one person holds their row lock for the fewest round trips).
        try await connection.rows(PostgresQuery(unsafeSQL: """
            SELECT \(PersonRow.columns), status_version, color, reasons, code_payload, code_color, code_version,
                   code_issued_at, code_expires_at, EXISTS (SELECT 1 FROM stale_person s WHERE s.ref = person.ref),
                   d.days, d.temperatures, d.symptoms, d.visited, d.contacts, f.kinds, f.days
            FROM person
            CROSS JOIN LATERAL (SELECT coalesce(array_agg(day ORDER BY id), '{}') AS days,
                                       coalesce(array_agg(temperature ORDER BY id), '{}') AS temperatures,
                                       coalesce(array_agg(symptoms ORDER BY id), '{}') AS symptoms,
                                       coalesce(array_agg(visited ORDER BY id), '{}') AS visited,
                                       coalesce(array_agg(contact ORDER BY id), '{}') AS contacts
                                FROM declaration WHERE person_ref = person.ref AND struck_at IS NULL) d
            CROSS JOIN LATERAL (SELECT coalesce(array_agg(kind ORDER BY id), '{}') AS kinds,
                                       coalesce(array_agg(day ORDER BY id), '{}') AS days
                                FROM flag WHERE person_ref = person.ref) f
            WHERE person.ref = $1\(lock ? " FOR UPDATE OF person" : "")
            """, binds: try binds(Data(ref.bytes))), logger: logger) { c -> HealthRecord in
            let n = PersonRow.count
            var code: StoredCode?
            if let payload: String = try c.get(n + 3), let color = HealthColor(rawValue: try c.get(n + 4, as: String?.self) ?? "") {
                code = StoredCode(payload: payload, color: color, statusVersion: UInt32(try c.get(n + 5, as: Int64.self)),
                                  issuedAt: try c.get(n + 6), expiresAt: try c.get(n + 7))
            }
            let days = try c.get(n + 9, as: [Int32].self), temperatures = try c.get(n + 10, as: [Double].self)
            let symptoms = try c.get(n + 11, as: [String].self), visited = try c.get(n + 12, as: [String].self)
            let contacts = try c.get(n + 13, as: [String].self)
            let declarations = days.indices.map { i in
                Declaration(day: Day(number: Int(days[i])), temperature: temperatures[i], symptoms: HealthReasonCoding.list(symptoms[i]),
                            visited: HealthReasonCoding.list(visited[i]), contact: contacts[i])
            }
            let flags = zip(try c.get(n + 14, as: [String].self), try c.get(n + 15, as: [Int32].self)).compactMap { kind, day in
                StaffFlagKind(rawValue: kind).map { StaffFlag($0, day: Day(number: Int(day))) }
            }
            return HealthRecord(person: try PersonRow.person(c), statusVersion: UInt32(try c.get(n, as: Int64.self)),
                                color: (try c.get(n + 1, as: String?.self)).flatMap(HealthColor.init(rawValue:)),
                                reasons: HealthReasonCoding.decode(try c.get(n + 2)), code: code,
                                declarations: declarations, flags: flags, stale: try c.get(n + 8))
        }.first
    }

    public func apply(_ ref: PersonRef, decide: @escaping HealthDecision) async throws -> HealthRecord? {
        try await database.transaction { connection in try await Self.apply(ref, connection, logger: logger, decide: decide) }
    }

    static func apply(_ ref: PersonRef, _ connection: PostgresConnection, logger: Logger,
                      risks: [String: RiskLevel]? = nil, decide: HealthDecision) async throws -> HealthRecord? {
        // Locks in the order of the background pass (the stale mark, then the person), so that a
        // person's page and a pass that reaches them at the same moment take turns, never deadlock.
        try await connection.query("SELECT 1 FROM stale_person WHERE ref = \(Data(ref.bytes)) FOR UPDATE", logger: logger)
        guard let record = try await record(ref, connection, logger: logger, lock: true) else { return nil }
        return try await apply(to: record, connection, logger: logger, risks: risks, decide: decide)
    }

    /// Stores what `HealthRecompute.plan` decides for `record` (its row locked by the caller)
    /// and clears a stale person's mark: the same steps as SQLite's `apply(to:)`.
    static func apply(to record: HealthRecord, _ connection: PostgresConnection, logger: Logger,
                      risks: [String: RiskLevel]? = nil, decide: HealthDecision) async throws -> HealthRecord {
        var known = risks
        if known == nil { known = try await riskList(connection, logger: logger) }
        let risks = known!
        let (write, after) = try HealthRecompute.plan(record, risks: risks, decide: decide)
        let key = Data(record.person.ref.bytes)
        if record.stale {
            try await connection.query("DELETE FROM stale_person WHERE ref = \(key)", logger: logger)
        }
        switch write {
        case .nothing:
            break
        case .versionOnly(let version):
            try await connection.query("""
                UPDATE person SET status_version = \(Int64(version)), code_payload = NULL, code_color = NULL, code_version = NULL,
                                  code_issued_at = NULL, code_expires_at = NULL
                WHERE ref = \(key)
                """, logger: logger)
        case .update(let u):
            try await connection.query("""
                UPDATE person SET status_version = \(Int64(u.statusVersion)), color = \(u.color.rawValue),
                                  reasons = \(HealthReasonCoding.encode(u.reasons)), code_payload = \(u.code?.payload),
                                  code_color = \(u.code?.color.rawValue), code_version = \(u.code.map { Int64($0.statusVersion) }),
                                  code_issued_at = \(u.code?.issuedAt), code_expires_at = \(u.code?.expiresAt)
                WHERE ref = \(key)
                """, logger: logger)
        }
        return after
    }

    public func addReport(_ ref: PersonRef, _ declaration: HealthDeclaration, now: Int64, enteredBy: Int64?) async throws {
        try await database.transaction { connection in
            try await Self.insertDeclaration(connection, logger: logger, ref: ref, declaration, source: "report", now: now, enteredBy: enteredBy)
        }
    }

    /// A declaration and its regions (the rows a risk change searches).
    static func insertDeclaration(_ connection: PostgresConnection, logger: Logger, ref: PersonRef, _ d: HealthDeclaration,
                                  source: String, now: Int64, enteredBy: Int64? = nil) async throws {
        let key = Data(ref.bytes)
        let day = Day(unixSeconds: now).number
        let ids = try await connection.rows("""
            INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact, entered_by)
            VALUES (\(key), \(day), \(now), \(source), \(d.temperature), \(d.symptoms.map(\.rawValue).joined(separator: ",")),
                    \(d.visited.joined(separator: ",")), \(d.contact.rawValue), \(enteredBy))
            RETURNING id
            """, logger: logger) { try $0.get(0, as: Int64.self) }
        guard let id = ids.first else { throw PostgresRowError("a declaration was not inserted") }
        for region in Set(d.visited).sorted() {
            try await connection.query("""
                INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (\(id), \(key), \(region), \(day))
                """, logger: logger)
        }
    }

    public func addFlag(_ ref: PersonRef, kind: StaffFlagKind, by userID: Int64?, now: Int64) async throws {
        try await database.write("""
            INSERT INTO flag (person_ref, kind, day, at, by_user)
            VALUES (\(Data(ref.bytes)), \(kind.rawValue), \(Day(unixSeconds: now).number), \(now), \(userID))
            """)
    }

    public func riskList() async throws -> [String: RiskLevel] {
        try await Self.riskSnapshot(database).list
    }

    /// The risk list, read after taking the shared turn on risk changes (held until the end of
    /// the transaction: a risk change waits for this transaction's declarations to be committed,
    /// so its marks include them; see `PostgresMigrations.riskLockKey`).
    static func riskList(_ connection: PostgresConnection, logger: Logger) async throws -> [String: RiskLevel] {
        try await riskSnapshot(connection, logger: logger).list
    }

    static func riskSnapshot(_ connection: PostgresConnection, logger: Logger) async throws -> RiskSnapshot {
        snapshot(try await connection.rows(risksQuery, logger: logger, riskRow))
    }

    /// The list on its own (one statement; the turn ends with it), kept as the node's copy.
    static func riskSnapshot(_ database: PostgresDatabase) async throws -> RiskSnapshot {
        let snapshot = snapshot(try await database.client.rows(risksQuery, riskRow))
        database.risks.withLock { if ($0?.epoch ?? -1) < snapshot.epoch { $0 = snapshot } }
        return snapshot
    }

    static let risksQuery: PostgresQuery = "SELECT epoch, region, level FROM gridpass_risks()"

    static func riskRow(_ c: Cells) throws -> (Int64, String?, String?) {
        (try c.get(0, as: Int64.self), try c.get(1, as: String?.self), try c.get(2, as: String?.self))
    }

    static func snapshot(_ rows: [(Int64, String?, String?)]) -> RiskSnapshot {
        var list: [String: RiskLevel] = [:]
        for (_, region, level) in rows {
            if let region, let level = level.flatMap(RiskLevel.init(rawValue:)) { list[region] = level }
        }
        return RiskSnapshot(epoch: rows.first?.0 ?? 0, list: list)
    }

    // MARK: - Changes over sets (see SQLiteHealthRepository)

    public func setRisk(region: String, level: RiskLevel?, lookbackDays: Int, now: Int64) async throws -> Int {
        try await database.transaction { connection in
            // The exclusive turn: writers colouring with the old list finish first (their
            // declarations are then seen by the marks below), later ones wait and read the new
            // list; registrations coloured with a node's copy of the old list are refused by the
            // epoch (`gridpass_register_batch`).
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.riskLockKey))", logger: logger)
            try await connection.query("UPDATE risk_epoch SET n = n + 1", logger: logger)
            if let level {
                try await connection.query("""
                    INSERT INTO risk_region (region, level, updated_at) VALUES (\(region), \(level.rawValue), \(now))
                    ON CONFLICT (region) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at
                    """, logger: logger)
            } else {
                try await connection.query("DELETE FROM risk_region WHERE region = \(region)", logger: logger)
            }
            let since = Day(unixSeconds: now).number - lookbackDays
            try await connection.query("""
                INSERT INTO stale_person (ref)
                SELECT DISTINCT person_ref FROM declaration_region WHERE region = \(region) AND day > \(since)
                ON CONFLICT (ref) DO NOTHING
                """, logger: logger)
            return try await connection.rows("""
                SELECT COUNT(DISTINCT person_ref) FROM declaration_region WHERE region = \(region) AND day > \(since)
                """, logger: logger) { try $0.get(0, as: Int.self) }.first ?? 0
        }
    }

    public func adoptRules(_ text: String, key: String, defaults: String) async throws -> Int {
        try await database.transaction { connection in
            // One adopter at a time: two nodes starting with new rules mark everyone once.
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey + 1))", logger: logger)
            let stored = try await connection.rows("SELECT value FROM setting WHERE key = \(key)", logger: logger) {
                try $0.get(0, as: String.self)
            }.first
            try await connection.query("""
                INSERT INTO setting (key, value) VALUES (\(key), \(text)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: logger)
            guard (stored ?? defaults) != text else { return 0 }
            return try await connection.rows("""
                WITH marked AS (INSERT INTO stale_person (ref) SELECT ref FROM person ON CONFLICT (ref) DO NOTHING RETURNING 1)
                SELECT COUNT(*) FROM marked
                """, logger: logger) { try $0.get(0, as: Int.self) }.first ?? 0
        }
    }

    /// Several nodes may run their passes at once: each takes marks the others have not locked.
    public func recomputeStale(limit: Int, decide: @escaping HealthDecision) async throws -> Int {
        try await database.transaction { connection in
            let marks = try await connection.rows("""
                SELECT ref FROM stale_person ORDER BY ref LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger) { try $0.get(0, as: Data.self) }
            guard !marks.isEmpty else { return 0 }
            let risks = try await Self.riskList(connection, logger: logger)
            for mark in marks {
                if let ref = PersonRef(bytes: Array(mark)), let record = try await Self.record(ref, connection, logger: logger, lock: true) {
                    _ = try await Self.apply(to: record, connection, logger: logger, risks: risks, decide: decide)
                } else {  // the person is gone
                    try await connection.query("DELETE FROM stale_person WHERE ref = \(mark)", logger: logger)
                }
            }
            return marks.count
        }
    }

    public func staleCount() async throws -> Int {
        try await database.client.rows("SELECT COUNT(*) FROM stale_person") { try $0.get(0, as: Int.self) }.first ?? 0
    }

    public func standing(_ ref: PersonRef) async throws -> StoredStanding? {
        try await standings.value(for: ref)
    }

    /// The standings of `refs` in one query (what a scan reads; a stale person's version one higher).
    static func readStandings(_ refs: [PersonRef], _ database: PostgresDatabase) async throws -> [PersonRef: StoredStanding] {
        let rows = try await database.client.rows(Standings(binds: try binds(refs.map { ByteBuffer(bytes: $0.bytes) })), logger: database.logger)
        return Dictionary(rows.compactMap { $0 }, uniquingKeysWith: { first, _ in first })
    }

    /// What a scan reads (a stale person's version one higher), for many people at once; prepared.
    struct Standings: HotStatement {
        static let sql = """
            SELECT p.ref, p.kind, p.status, p.status_version + (s.ref IS NOT NULL)::int, p.place_id, p.name
            FROM person p LEFT JOIN stale_person s ON s.ref = p.ref WHERE p.ref = ANY($1)
            """
        let binds: PostgresBindings

        func decodeRow(_ row: PostgresRow) throws -> (PersonRef, StoredStanding)? {
            let c = Cells(row)
            guard let ref = PersonRef(bytes: Array(try c.get(0, as: Data.self))) else { return nil }
            return (ref, (PersonKind(rawValue: try c.get(1)) ?? .resident, PersonRecord.Status(rawValue: try c.get(2)) ?? .pending,
                          UInt32(truncatingIfNeeded: try c.get(3, as: Int64.self)), try c.get(4), try c.get(5)))
        }
    }

    public func logScan(_ scan: ScanRecord) async throws {
        try await logScans([scan])
    }

    /// Many rows a statement (one statement per scan cost more than the row itself).
    public func logScans(_ scans: [ScanRecord]) async throws {
        var start = 0
        while start < scans.count {
            let chunk = scans[start..<min(start + 100, scans.count)]
            var bindings = PostgresBindings(capacity: chunk.count * 5)
            var values: [String] = []
            for scan in chunk {
                let n = bindings.count
                values.append("($\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4), $\(n + 5))")
                try bindings.append(scan.checkpointID)
                try bindings.append(scan.person.map { Data($0.bytes) })
                try bindings.append(scan.result)
                try bindings.append(scan.reason)
                try bindings.append(scan.at)
            }
            try await database.write(PostgresQuery(
                unsafeSQL: "INSERT INTO scan (checkpoint_id, person_ref, result, reason, at) VALUES " + values.joined(separator: ", "),
                binds: bindings))
            start += chunk.count
        }
    }

    public func purge(before: Int64) async throws -> Int {
        try await database.transaction { connection in
            let scans = try await connection.rows("""
                WITH gone AS (DELETE FROM scan WHERE at < \(before) RETURNING 1) SELECT COUNT(*) FROM gone
                """, logger: logger) { try $0.get(0, as: Int.self) }.first ?? 0
            let reports = try await connection.rows("""
                WITH gone AS (DELETE FROM declaration WHERE source = 'report' AND at < \(before) RETURNING 1) SELECT COUNT(*) FROM gone
                """, logger: logger) { try $0.get(0, as: Int.self) }.first ?? 0
            return scans + reports
        }
    }
}

func binds(_ value: some PostgresEncodable & Sendable) throws -> PostgresBindings {
    var binds = PostgresBindings()
    try binds.append(value)
    return binds
}
