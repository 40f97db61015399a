import Foundation
import GRDB
import GridPassCore

/// The person's data in SQLite (CONTRACT §12): what an export reads, and the deletion.
extension SQLitePersonRepository {
    public func scans(of ref: PersonRef) async throws -> [ScanRecord] {
        // No index on scan.person_ref (every checkpoint scan would pay for it): a rare full read.
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT checkpoint_id, result, reason, at FROM scan WHERE person_ref = ? ORDER BY id",
                             arguments: [Data(ref.bytes)]).map {
                ScanRecord(checkpointID: $0[0], person: ref, result: $0[1], reason: $0[2], at: $0[3])
            }
        }
    }

    public func cards(of ref: PersonRef) async throws -> [StoredCard] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT created_at, revoked_at FROM health_card WHERE person_ref = ? ORDER BY id",
                             arguments: [Data(ref.bytes)]).map { StoredCard(person: ref, createdAt: $0[0], revokedAt: $0[1]) }
        }
    }

    public func delete(_ ref: PersonRef) async throws -> Bool {
        let key = Data(ref.bytes)
        // Through the group commit: the commit is counted, so no scan answers from a cached standing.
        let deleted = try await writer.write { db in
            try db.execute(sql: "DELETE FROM person WHERE ref = ?", arguments: [key])  // ON DELETE CASCADE / SET NULL do the rest
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM stale_person WHERE ref = ?", arguments: [key])
            try db.execute(sql: "UPDATE scan SET person_ref = NULL WHERE person_ref = ?", arguments: [key])
            try db.execute(sql: "UPDATE audit SET target = 'person:deleted', detail = '' WHERE target = ? OR target LIKE ?",
                           arguments: ["person:" + ref.hex, "person:" + ref.hex + " %"])
            return true
        }
        if deleted { await truncateLog() }
        return deleted
    }

    /// Copies the log into the database file and empties it (the deleted rows' old pages are in
    /// the log until then). Readers in the middle of a transaction may keep it from finishing:
    /// the next checkpoint does it then.
    public func truncateLog() async {
        try? await db.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
