import GridPassCore
import PostgresNIO

/// The operations figures, counted on PostgreSQL when asked (the same contract as `SQLiteStats`).
public struct PostgresStats: StatsRepository {
    let database: PostgresDatabase

    public init(_ database: PostgresDatabase) {
        self.database = database
    }

    public func peopleCounts() async throws -> [PeopleCount] {
        var out: [PeopleCount] = []
        let rows = try await database.client.query("SELECT kind, status, color, COUNT(*) FROM person GROUP BY kind, status, color",
                                                   logger: database.logger)
        for try await (kind, status, color, n) in rows.decode((String, String, String?, Int).self) {
            if let count = PeopleCount(storedKind: kind, status: status, color: color, count: n) { out.append(count) }
        }
        return out
    }
}
