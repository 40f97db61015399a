import Foundation
import GridPassCore
import PostgresNIO

/// Accounts on PostgreSQL (`app_user`): the same contract as `SQLiteUserRepository`. API tokens
/// are stored only as SHA-256 hashes. A token is looked up in the database (a new account works
/// at once on every node), shared by the requests of the moment (`BatchedLookup`); the server
/// keeps tokens it found for a minute (`BearerAuthMiddleware`: accounts are never removed or
/// changed).
public struct PostgresUserRepository: UserRepository {
    let database: PostgresDatabase
    let byToken: BatchedLookup<Data, UserRecord>

    public init(_ database: PostgresDatabase) {
        self.database = database
        byToken = BatchedLookup { hashes in
            let rows = try await database.client.rows(PostgresQuery(
                unsafeSQL: "SELECT token_hash, \(Self.columns) FROM app_user WHERE token_hash = ANY($1)", binds: try binds(hashes.map { ByteBuffer(bytes: $0) }))) {
                (try $0.get(0, as: Data.self), Self.user((try $0.get(1), try $0.get(2), try $0.get(3), try $0.get(4), try $0.get(5))))
            }
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }

    static let columns = "id, name, role, scope_place_id, password_hash"
    typealias UserRow = (Int64, String, String, Int64?, String?)

    public func addUser(name: String, role: UserRecord.Role, scopePlaceID: Int64?, passwordHash: String?, tokenHash: [UInt8]) async throws -> UserRecord {
        // Two nodes adding the same name at once: one inserts, the other finds the name taken.
        let ids = try await database.write("""
            INSERT INTO app_user (name, role, scope_place_id, password_hash, token_hash, created_at)
            VALUES (\(name), \(role.rawValue), \(scopePlaceID), \(passwordHash), \(Data(tokenHash)), \(Int64(Date().timeIntervalSince1970)))
            ON CONFLICT (name) DO NOTHING RETURNING id
            """) { try $0.get(0, as: Int64.self) }
        guard let id = ids.first else { throw UserRecord.nameTaken(name) }
        return UserRecord(id: id, name: name, role: role, scopePlaceID: scopePlaceID, passwordHash: passwordHash)
    }

    public func user(tokenHash: [UInt8]) async throws -> UserRecord? {
        try await byToken.value(for: Data(tokenHash))
    }

    public func user(name: String) async throws -> UserRecord? {
        try await first(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM app_user WHERE name = $1",
                                      binds: try binds(name)))
    }

    static func user(_ row: UserRow) -> UserRecord {
        UserRecord(id: row.0, name: row.1, storedRole: row.2, scopePlaceID: row.3, passwordHash: row.4)
    }

    func first(_ query: PostgresQuery) async throws -> UserRecord? {
        for try await row in try await database.client.query(query, logger: database.logger).decode(UserRow.self) {
            return Self.user(row)
        }
        return nil
    }
}
