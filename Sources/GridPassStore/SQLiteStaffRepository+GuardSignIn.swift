import Foundation
import GRDB
import GridPassCore

/// Guard sign-in links and sessions in SQLite (`GuardSignIn`; PostgreSQL: the same contract).
extension SQLiteStaffRepository {
    public func createGuardLink(linkHash: [UInt8], checkpointPlaceID: Int64, createdBy: Int64?, now: Int64, expiresAt: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO guard_signin (checkpoint_place_id, link_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [checkpointPlaceID, Data(linkHash), createdBy, now, expiresAt])
        }
    }

    public func redeemGuardLink(linkHash: [UInt8], sessionHash: [UInt8], now: Int64, sessionExpiresAt: Int64) async throws -> GuardSignIn.Redemption {
        try await db.write { db in
            if let checkpoint = try Int64.fetchOne(db, sql: """
                UPDATE guard_signin SET used_at = ?, session_hash = ?, session_expires_at = ?
                WHERE link_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
                RETURNING checkpoint_place_id
                """, arguments: [now, Data(sessionHash), sessionExpiresAt, Data(linkHash), now]) {
                return .signedIn(checkpointPlaceID: checkpoint)
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT used_at, revoked_at FROM guard_signin WHERE link_hash = ?",
                                             arguments: [Data(linkHash)]) else { return .unknown }
            return GuardSignIn.refusal(usedAt: row["used_at"], revokedAt: row["revoked_at"])
        }
    }

    public func createGuardSession(sessionHash: [UInt8], checkpointPlaceID: Int64, userName: String, now: Int64, expiresAt: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO guard_signin (checkpoint_place_id, session_hash, user_name, created_at, expires_at, used_at, session_expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [checkpointPlaceID, Data(sessionHash), userName, now, now, now, expiresAt])
        }
    }

    public func guardSession(sessionHash: [UInt8], now: Int64) async throws -> GuardSignIn.Session? {
        try await db.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, checkpoint_place_id, user_name, session_expires_at FROM guard_signin
                WHERE session_hash = ? AND revoked_at IS NULL AND session_expires_at > ?
                """, arguments: [Data(sessionHash), now]).map {
                GuardSignIn.Session(id: $0["id"], checkpointPlaceID: $0["checkpoint_place_id"], userName: $0["user_name"],
                                    expiresAt: $0["session_expires_at"])
            }
        }
    }

    public func revokeGuardSignIns(checkpointPlaceID: Int64, now: Int64) async throws -> Int {
        try await db.write { db in
            try db.execute(sql: """
                UPDATE guard_signin SET revoked_at = ?
                WHERE checkpoint_place_id = ? AND revoked_at IS NULL
                  AND ((used_at IS NULL AND expires_at > ?) OR session_expires_at > ?)
                """, arguments: [now, checkpointPlaceID, now, now])
            return db.changesCount
        }
    }

    public func endGuardSession(sessionHash: [UInt8], now: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE guard_signin SET revoked_at = ? WHERE session_hash = ? AND revoked_at IS NULL",
                           arguments: [now, Data(sessionHash)])
        }
    }
}
