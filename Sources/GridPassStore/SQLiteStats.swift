import GRDB
import GridPassCore

/// The operations figures, counted in SQLite.
public struct SQLiteStats: StatsRepository {
    let db: DatabasePool

    public init(_ db: DatabasePool) { self.db = db }

    public func peopleCounts() async throws -> [PeopleCount] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, status, color, COUNT(*) AS n FROM person GROUP BY kind, status, color")
                .compactMap { row in PeopleCount(storedKind: row["kind"], status: row["status"], color: row["color"], count: row["n"]) }
        }
    }
}
