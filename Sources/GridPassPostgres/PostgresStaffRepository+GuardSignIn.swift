import Foundation
import GridPassCore
import PostgresNIO

/// Guard sign-in links and sessions on PostgreSQL: the same contract as SQLite's. A link opened
/// on one node is used up for all (one UPDATE … WHERE used_at IS NULL decides); a session is read
/// from the database at each request, so a revocation is in force at the next one on every node.
extension PostgresStaffRepository {
    public func createGuardLink(linkHash: [UInt8], checkpointPlaceID: Int64, createdBy: Int64?, now: Int64, expiresAt: Int64) async throws {
        try await database.write("""
            INSERT INTO guard_signin (checkpoint_place_id, link_hash, created_by, created_at, expires_at)
            VALUES (\(checkpointPlaceID), \(Data(linkHash)), \(createdBy), \(now), \(expiresAt))
            """)
    }

    public func redeemGuardLink(linkHash: [UInt8], sessionHash: [UInt8], now: Int64, sessionExpiresAt: Int64) async throws -> GuardSignIn.Redemption {
        try await database.transaction { connection in
            let logger = database.logger
            let used = try await connection.rows("""
                UPDATE guard_signin SET used_at = \(now), session_hash = \(Data(sessionHash)), session_expires_at = \(sessionExpiresAt)
                WHERE link_hash = \(Data(linkHash)) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(now)
                RETURNING checkpoint_place_id
                """, logger: logger) { try $0.get(0, as: Int64.self) }
            if let checkpoint = used.first { return .signedIn(checkpointPlaceID: checkpoint) }
            let stored = try await connection.rows("""
                SELECT used_at, revoked_at FROM guard_signin WHERE link_hash = \(Data(linkHash))
                """, logger: logger) { (try $0.get(0, as: Int64?.self), try $0.get(1, as: Int64?.self)) }
            guard let (usedAt, revokedAt) = stored.first else { return .unknown }
            return GuardSignIn.refusal(usedAt: usedAt, revokedAt: revokedAt)
        }
    }

    public func createGuardSession(sessionHash: [UInt8], checkpointPlaceID: Int64, userName: String, now: Int64, expiresAt: Int64) async throws {
        try await database.write("""
            INSERT INTO guard_signin (checkpoint_place_id, session_hash, user_name, created_at, expires_at, used_at, session_expires_at)
            VALUES (\(checkpointPlaceID), \(Data(sessionHash)), \(userName), \(now), \(now), \(now), \(expiresAt))
            """)
    }

    public func guardSession(sessionHash: [UInt8], now: Int64) async throws -> GuardSignIn.Session? {
        try await database.client.rows("""
            SELECT id, checkpoint_place_id, user_name, session_expires_at FROM guard_signin
            WHERE session_hash = \(Data(sessionHash)) AND revoked_at IS NULL AND session_expires_at > \(now)
            """) {
            GuardSignIn.Session(id: try $0.get(0), checkpointPlaceID: try $0.get(1), userName: try $0.get(2, as: String?.self),
                                expiresAt: try $0.get(3))
        }.first
    }

    public func revokeGuardSignIns(checkpointPlaceID: Int64, now: Int64) async throws -> Int {
        try await database.write("""
            UPDATE guard_signin SET revoked_at = \(now)
            WHERE checkpoint_place_id = \(checkpointPlaceID) AND revoked_at IS NULL
              AND ((used_at IS NULL AND expires_at > \(now)) OR session_expires_at > \(now))
            RETURNING id
            """) { try $0.get(0, as: Int64.self) }.count
    }

    public func endGuardSession(sessionHash: [UInt8], now: Int64) async throws {
        try await database.write("""
            UPDATE guard_signin SET revoked_at = \(now) WHERE session_hash = \(Data(sessionHash)) AND revoked_at IS NULL
            """)
    }
}
