import Foundation
import GridPassCore
import PostgresNIO

/// The person's data on PostgreSQL (CONTRACT §12): the same contract as SQLite's.
extension PostgresPersonRepository {
    public func scans(of ref: PersonRef) async throws -> [ScanRecord] {
        try await database.client.rows("""
            SELECT checkpoint_id, result, reason, at FROM scan WHERE person_ref = \(Data(ref.bytes)) ORDER BY id
            """) { ScanRecord(checkpointID: try $0.get(0, as: Int64?.self), person: ref, result: try $0.get(1), reason: try $0.get(2), at: try $0.get(3)) }
    }

    public func cards(of ref: PersonRef) async throws -> [StoredCard] {
        try await database.client.rows("""
            SELECT created_at, revoked_at FROM health_card WHERE person_ref = \(Data(ref.bytes)) ORDER BY id
            """) { StoredCard(person: ref, createdAt: try $0.get(0), revokedAt: try $0.get(1, as: Int64?.self)) }
    }

    public func delete(_ ref: PersonRef) async throws -> Bool {
        let key = Data(ref.bytes)
        return try await database.transaction { connection in
            let logger = database.logger
            // Their stale mark first, then the row: the order in which the background pass locks them.
            try await connection.query("DELETE FROM stale_person WHERE ref = \(key)", logger: logger)
            let gone = try await connection.rows("DELETE FROM person WHERE ref = \(key) RETURNING 1", logger: logger) { try $0.get(0, as: Int32.self) }
            guard !gone.isEmpty else { return false }
            try await connection.query("UPDATE scan SET person_ref = NULL WHERE person_ref = \(key)", logger: logger)
            let target = "person:" + ref.hex, prefix = "person:" + ref.hex + " %"
            try await connection.query("""
                UPDATE audit SET target = 'person:deleted', detail = '' WHERE target = \(target) OR target LIKE \(prefix)
                """, logger: logger)
            return true
        }
    }
}
