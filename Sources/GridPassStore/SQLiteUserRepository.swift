import Foundation
import GRDB
import GridPassCore

/// Accounts in SQLite. API tokens are stored only as SHA-256 hashes.
public struct SQLiteUserRepository: UserRepository {
    let db: DatabasePool

    public init(_ db: DatabasePool) { self.db = db }

    public func addUser(name: String, role: UserRecord.Role, scopePlaceID: Int64?, passwordHash: String?, tokenHash: [UInt8]) async throws -> UserRecord {
        try await db.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM user WHERE name = ?)", arguments: [name]) == true {
                throw UserRecord.nameTaken(name)
            }
            try db.execute(sql: """
                INSERT INTO user (name, role, scope_place_id, password_hash, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [name, role.rawValue, scopePlaceID, passwordHash, Data(tokenHash), Int64(Date().timeIntervalSince1970)])
            return UserRecord(id: db.lastInsertedRowID, name: name, role: role, scopePlaceID: scopePlaceID, passwordHash: passwordHash)
        }
    }

    public func user(tokenHash: [UInt8]) async throws -> UserRecord? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE token_hash = ?", arguments: [Data(tokenHash)]).map(Self.user)
        }
    }

    public func user(name: String) async throws -> UserRecord? {
        try await db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [name]).map(Self.user) }
    }

    static func user(_ row: Row) -> UserRecord {
        UserRecord(id: row["id"], name: row["name"], storedRole: row["role"], scopePlaceID: row["scope_place_id"],
                   passwordHash: row["password_hash"])
    }
}
