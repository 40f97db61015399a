import Foundation
import GRDB
import GridPassCore

/// Staff sessions, sign-in throttles, the audit log and the staff pages' lists in SQLite.
public struct SQLiteStaffRepository: StaffRepository {
    let db: DatabasePool

    public init(_ db: DatabasePool) { self.db = db }

    // MARK: - Sessions

    public func createSession(idHash: [UInt8], userID: Int64, csrf: String, now: Int64, expiresAt: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO staff_session (id_hash, user_id, csrf, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [Data(idHash), userID, csrf, now, now, expiresAt])
        }
    }

    public func session(idHash: [UInt8]) async throws -> StaffSession? {
        try await db.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.csrf, s.created_at, s.last_seen, s.expires_at, u.* FROM staff_session s JOIN user u ON u.id = s.user_id
                WHERE s.id_hash = ?
                """, arguments: [Data(idHash)]) else { return nil }
            return StaffSession(user: SQLiteUserRepository.user(row), csrf: row["csrf"], createdAt: row["created_at"],
                                lastSeen: row["last_seen"], expiresAt: row["expires_at"])
        }
    }

    public func touchSession(idHash: [UInt8], now: Int64, expiresAt: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE staff_session SET last_seen = ?, expires_at = ? WHERE id_hash = ?",
                           arguments: [now, expiresAt, Data(idHash)])
        }
    }

    public func deleteSession(idHash: [UInt8]) async throws {
        try await db.write { db in try db.execute(sql: "DELETE FROM staff_session WHERE id_hash = ?", arguments: [Data(idHash)]) }
    }

    public func purgeStaleSessions(now: Int64, throttlesOlderThan: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM staff_session WHERE expires_at <= ?", arguments: [now])
            // Guard sign-ins are kept 30 days past their end: a link opened late still says why it fails.
            try db.execute(sql: "DELETE FROM guard_signin WHERE MAX(expires_at, COALESCE(session_expires_at, 0)) < ?",
                           arguments: [now - GuardSignIn.keptAfterEnd])
            try db.execute(sql: "DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until <= ?)",
                           arguments: [throttlesOlderThan, now])
        }
    }

    // MARK: - Sign-in throttle

    public func loginThrottle(account: String) async throws -> LoginThrottle {
        try await db.read { db in try Self.throttle(account, db) }
    }

    public func updateLoginThrottle(account: String, _ change: @escaping @Sendable (LoginThrottle) -> LoginThrottle) async throws -> LoginThrottle {
        try await db.write { db in
            let next = change(try Self.throttle(account, db))
            if next == .fresh {
                try db.execute(sql: "DELETE FROM login_throttle WHERE account = ?", arguments: [account])
            } else {
                try db.execute(sql: """
                    INSERT INTO login_throttle (account, failures, window_start, locked_until) VALUES (?, ?, ?, ?)
                    ON CONFLICT(account) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                                                       locked_until = excluded.locked_until
                    """, arguments: [account, next.failures, next.windowStart, next.lockedUntil])
            }
            return next
        }
    }

    static func throttle(_ account: String, _ db: Database) throws -> LoginThrottle {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM login_throttle WHERE account = ?", arguments: [account]) else {
            return .fresh
        }
        return LoginThrottle(failures: row["failures"], windowStart: row["window_start"], lockedUntil: row["locked_until"])
    }

    // MARK: - Audit

    public func addAudit(_ e: AuditEntry) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO audit (at, user_id, user_name, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [e.at, e.userID, e.userName, e.action.rawValue, e.target, e.detail, e.address])
        }
    }

    public func audit(before id: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                             arguments: [id, id, limit]).compactMap { row in
                AuditEntry(id: row["id"], at: row["at"], userID: row["user_id"], userName: row["user_name"], storedAction: row["action"],
                           target: row["target"], detail: row["detail"], address: row["address"])
            }
        }
    }

    // MARK: - Lists

    public func places(under root: Place) async throws -> [Place] {
        try await db.read { db in
            PlaceTree.places(under: root, subtree: try SQLitePlaceRepository.subtree(of: root.id, db))
        }
    }

    /// The place ids at or below `root` as a CTE named `scope`, or every place when `root` is nil.
    static let scopeCTE = """
        WITH RECURSIVE scope(id) AS (
            SELECT id FROM place WHERE (?1 IS NULL AND parent_id IS NULL) OR id = ?1
            UNION ALL SELECT p.id FROM place p JOIN scope ON p.parent_id = scope.id)
        """

    public func people(under root: Int64?) async throws -> [CoveragePerson] {
        try await db.read { db in
            try Row.fetchAll(db, sql: Self.scopeCTE + """
                SELECT p.ref, p.kind, p.status, p.place_id, p.name, p.room, p.color,
                       (SELECT MAX(d.day) FROM declaration d WHERE d.person_ref = p.ref) AS last_day
                FROM person p JOIN scope ON scope.id = p.place_id
                ORDER BY p.place_id, p.room, p.name
                """, arguments: [root]).map(Self.coveragePerson)
        }
    }

    public func flaggedPeople(under root: Int64?) async throws -> [FlaggedPerson] {
        try await db.read { db in
            try Row.fetchAll(db, sql: Self.scopeCTE + """
                SELECT p.ref, p.kind, p.status, p.place_id, p.name, p.room, p.color,
                       (SELECT MAX(d.day) FROM declaration d WHERE d.person_ref = p.ref) AS last_day,
                       f.kind AS flag_kind, f.at AS flag_at
                FROM person p JOIN scope ON scope.id = p.place_id
                JOIN flag f ON f.person_ref = p.ref AND f.id = (SELECT MAX(id) FROM flag WHERE person_ref = p.ref)
                WHERE f.kind != 'cleared'
                ORDER BY f.at DESC, f.id DESC
                """, arguments: [root]).compactMap { row in
                FlaggedPerson(person: Self.coveragePerson(row), storedFlag: row["flag_kind"], at: row["flag_at"])
            }
        }
    }

    static func coveragePerson(_ row: Row) -> CoveragePerson {
        CoveragePerson(storedRef: row["ref"] as Data, kind: row["kind"], status: row["status"], placeID: row["place_id"],
                       name: row["name"], room: row["room"], color: row["color"], lastDay: row["last_day"])
    }
}
