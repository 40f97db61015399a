import Foundation
import GridPassCore
import PostgresNIO

/// Staff sessions, sign-in throttles, the audit log and the staff pages' lists on PostgreSQL:
/// the same contract as `SQLiteStaffRepository` (the same store tests run on both). Every node
/// of a deployment shares them: a session started on one node is valid on all, and failed
/// sign-ins count towards one lock whichever node they reach.
public struct PostgresStaffRepository: StaffRepository {
    let database: PostgresDatabase

    public init(_ database: PostgresDatabase) {
        self.database = database
    }

    // MARK: - Sessions

    public func createSession(idHash: [UInt8], userID: Int64, csrf: String, now: Int64, expiresAt: Int64) async throws {
        try await database.write("""
            INSERT INTO staff_session (id_hash, user_id, csrf, created_at, last_seen, expires_at)
            VALUES (\(Data(idHash)), \(userID), \(csrf), \(now), \(now), \(expiresAt))
            """)
    }

    public func session(idHash: [UInt8]) async throws -> StaffSession? {
        let rows = try await database.client.query("""
            SELECT s.csrf, s.created_at, s.last_seen, s.expires_at, u.id, u.name, u.role, u.scope_place_id, u.password_hash
            FROM staff_session s JOIN app_user u ON u.id = s.user_id
            WHERE s.id_hash = \(Data(idHash))
            """, logger: database.logger)
        for try await (csrf, createdAt, lastSeen, expiresAt, id, name, role, scope, hash)
            in rows.decode((String, Int64, Int64, Int64, Int64, String, String, Int64?, String?).self) {
            return StaffSession(user: PostgresUserRepository.user((id, name, role, scope, hash)), csrf: csrf, createdAt: createdAt,
                                lastSeen: lastSeen, expiresAt: expiresAt)
        }
        return nil
    }

    public func touchSession(idHash: [UInt8], now: Int64, expiresAt: Int64) async throws {
        try await database.write("""
            UPDATE staff_session SET last_seen = \(now), expires_at = \(expiresAt) WHERE id_hash = \(Data(idHash))
            """)
    }

    public func deleteSession(idHash: [UInt8]) async throws {
        try await database.write("DELETE FROM staff_session WHERE id_hash = \(Data(idHash))")
    }

    public func purgeStaleSessions(now: Int64, throttlesOlderThan: Int64) async throws {
        try await database.transaction { connection in
            try await connection.query("DELETE FROM staff_session WHERE expires_at <= \(now)", logger: database.logger)
            try await connection.query("""
                DELETE FROM guard_signin WHERE GREATEST(expires_at, COALESCE(session_expires_at, 0)) < \(now - GuardSignIn.keptAfterEnd)
                """, logger: database.logger)
            try await connection.query("""
                DELETE FROM login_throttle WHERE window_start < \(throttlesOlderThan) AND (locked_until IS NULL OR locked_until <= \(now))
                """, logger: database.logger)
        }
    }

    // MARK: - Sign-in throttle

    typealias ThrottleRow = (Int, Int64, Int64?)

    public func loginThrottle(account: String) async throws -> LoginThrottle {
        let rows = try await database.client.query("""
            SELECT failures, window_start, locked_until FROM login_throttle WHERE account = \(account)
            """, logger: database.logger)
        for try await row in rows.decode(ThrottleRow.self) { return Self.throttle(row) }
        return .fresh
    }

    /// Atomic across nodes: the account's row is locked (created first when missing, so that
    /// there is a row to lock) from the read to the write, so concurrent failures on several
    /// nodes are each counted.
    public func updateLoginThrottle(account: String, _ change: @escaping @Sendable (LoginThrottle) -> LoginThrottle) async throws -> LoginThrottle {
        try await database.transaction { connection in
            let logger = database.logger
            // A row another transaction deletes while this one waits for its lock is gone when
            // the wait ends: insert it again and lock that one.
            for _ in 0..<8 {
                try await connection.query("""
                    INSERT INTO login_throttle (account, failures, window_start, locked_until)
                    VALUES (\(account), \(LoginThrottle.fresh.failures), \(LoginThrottle.fresh.windowStart), NULL)
                    ON CONFLICT (account) DO NOTHING
                    """, logger: logger)
                var current: LoginThrottle?
                for try await row in try await connection.query("""
                    SELECT failures, window_start, locked_until FROM login_throttle WHERE account = \(account) FOR UPDATE
                    """, logger: logger).decode(ThrottleRow.self) {
                    current = Self.throttle(row)
                }
                guard let current else { continue }
                let next = change(current)
                if next == .fresh {
                    try await connection.query("DELETE FROM login_throttle WHERE account = \(account)", logger: logger)
                } else {
                    try await connection.query("""
                        UPDATE login_throttle SET failures = \(next.failures), window_start = \(next.windowStart),
                                                  locked_until = \(next.lockedUntil)
                        WHERE account = \(account)
                        """, logger: logger)
                }
                return next
            }
            throw RepositoryError.invalid("the sign-in throttle of '\(account)' kept changing; try again")
        }
    }

    static func throttle(_ row: ThrottleRow) -> LoginThrottle {
        LoginThrottle(failures: row.0, windowStart: row.1, lockedUntil: row.2)
    }

    // MARK: - Audit

    public func addAudit(_ e: AuditEntry) async throws {
        try await database.write("""
            INSERT INTO audit (at, user_id, user_name, action, target, detail, address)
            VALUES (\(e.at), \(e.userID), \(e.userName), \(e.action.rawValue), \(e.target), \(e.detail), \(e.address))
            """)
    }

    public func audit(before id: Int64?, limit: Int) async throws -> [AuditEntry] {
        let rows = try await database.client.query("""
            SELECT id, at, user_id, user_name, action, target, detail, address FROM audit
            WHERE (\(id)::BIGINT IS NULL OR id < \(id)) ORDER BY id DESC LIMIT \(limit)
            """, logger: database.logger)
        var out: [AuditEntry] = []
        for try await (id, at, userID, userName, action, target, detail, address)
            in rows.decode((Int64, Int64, Int64?, String, String, String, String, String?).self) {
            if let entry = AuditEntry(id: id, at: at, userID: userID, userName: userName, storedAction: action, target: target,
                                      detail: detail, address: address) {
                out.append(entry)
            }
        }
        return out
    }

    // MARK: - Lists

    public func places(under root: Place) async throws -> [Place] {
        PlaceTree.places(under: root, subtree: try await PostgresPlaceRepository(database).subtree(of: root.id))
    }

    /// The place ids at or below `$1` as a CTE named `scope`, or every place when `$1` is null.
    static let scopeCTE = """
        WITH RECURSIVE scope(id) AS (
            SELECT id FROM place WHERE ($1::BIGINT IS NULL AND parent_id IS NULL) OR id = $1::BIGINT
            UNION ALL SELECT p.id FROM place p JOIN scope ON p.parent_id = scope.id)
        """

    static func scopeBinds(_ root: Int64?) throws -> PostgresBindings {
        var binds = PostgresBindings()
        try binds.append(root)
        return binds
    }

    /// The columns of a `CoveragePerson` (person `p`). Rooms and names sort as SQLite sorts them:
    /// by their bytes (COLLATE "C"), no room first.
    static let coverageColumns = """
        p.ref, p.kind, p.status, p.place_id, p.name, p.room, p.color,
        (SELECT MAX(d.day) FROM declaration d WHERE d.person_ref = p.ref) AS last_day
        """
    typealias CoverageRow = (Data, String, String, Int64, String, String?, String?, Int?)

    public func people(under root: Int64?) async throws -> [CoveragePerson] {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: Self.scopeCTE + """
            SELECT \(Self.coverageColumns)
            FROM person p JOIN scope ON scope.id = p.place_id
            ORDER BY p.place_id, p.room COLLATE "C" NULLS FIRST, p.name COLLATE "C"
            """, binds: try Self.scopeBinds(root)), logger: database.logger)
        var out: [CoveragePerson] = []
        for try await row in rows.decode(CoverageRow.self) { out.append(Self.coveragePerson(row)) }
        return out
    }

    public func flaggedPeople(under root: Int64?) async throws -> [FlaggedPerson] {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: Self.scopeCTE + """
            SELECT \(Self.coverageColumns), f.kind, f.at
            FROM person p JOIN scope ON scope.id = p.place_id
            JOIN flag f ON f.person_ref = p.ref AND f.id = (SELECT MAX(id) FROM flag WHERE person_ref = p.ref)
            WHERE f.kind <> 'cleared'
            ORDER BY f.at DESC, f.id DESC
            """, binds: try Self.scopeBinds(root)), logger: database.logger)
        var out: [FlaggedPerson] = []
        for try await (ref, kind, status, placeID, name, room, color, lastDay, flag, at)
            in rows.decode((Data, String, String, Int64, String, String?, String?, Int?, String, Int64).self) {
            let person = Self.coveragePerson((ref, kind, status, placeID, name, room, color, lastDay))
            if let flagged = FlaggedPerson(person: person, storedFlag: flag, at: at) { out.append(flagged) }
        }
        return out
    }

    static func coveragePerson(_ row: CoverageRow) -> CoveragePerson {
        CoveragePerson(storedRef: row.0, kind: row.1, status: row.2, placeID: row.3, name: row.4, room: row.5, color: row.6,
                       lastDay: row.7)
    }
}
