import Foundation
import GridPassPostgres

/// The test cluster of scripts/test: every test gets a new, empty database on it.
public enum TestPostgres {
    public static var url: PostgresURL? {
        guard let text = ProcessInfo.processInfo.environment["GRIDPASS_TEST_DATABASE_URL"], !text.isEmpty else { return nil }
        return try? PostgresURL(text)
    }

    /// A new database `gp_…` on the test cluster, migrated.
    public static func fresh() async throws -> PostgresDatabase {
        try await PostgresDatabase.open(try await emptyDatabase())
    }

    /// The URL of a new, empty database `gp_…` on the test cluster (not migrated).
    public static func emptyDatabase() async throws -> PostgresURL {
        guard let url else { throw TestPostgresMissing() }
        let name = "gp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresDatabase.createDatabase(name, on: url)
        var database = url.with(database: name)
        database.connections = 4  // hundreds of pools at once on the test cluster
        return database
    }

    struct TestPostgresMissing: Error, CustomStringConvertible {
        var description: String { "GRIDPASS_TEST_DATABASE_URL is not set: run scripts/test, which starts a PostgreSQL cluster" }
    }
}
