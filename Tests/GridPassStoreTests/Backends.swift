import Foundation
import GridPassCore
import GridPassPostgres
@testable import GridPassStore
import GridPassTestSupport
import Testing

/// The storage backends a store suite runs on: SQLite always; PostgreSQL when
/// GRIDPASS_TEST_DATABASE_URL names a server (scripts/test starts a throw-away cluster and sets
/// it, so the whole suite runs on both there and in CI).
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    static var all: [Backend] { TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// A place repository on a database of its own, closed after `body`.
    func withPlaces<T>(_ body: (any PlaceRepository & SettingsRepository) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let data = try DataDirectory(path: try makeTemporaryDirectory().path)
            return try await body(try SQLitePlaceRepository(try data.openDatabase()))
        case .postgres:
            let database = try await TestPostgres.fresh()
            defer { database.close() }
            return try await body(PostgresPlaceRepository(database))
        }
    }
}

/// The test cluster of scripts/test: every test gets a new, empty database on it.
enum TestPostgres {
    static var url: PostgresURL? {
        guard let text = ProcessInfo.processInfo.environment["GRIDPASS_TEST_DATABASE_URL"], !text.isEmpty else { return nil }
        return try? PostgresURL(text)
    }

    /// A new database `gp_…` on the test cluster, migrated.
    static func fresh() async throws -> PostgresDatabase {
        try await PostgresDatabase.open(try await emptyDatabase())
    }

    /// The URL of a new, empty database `gp_…` on the test cluster (not migrated).
    static func emptyDatabase() async throws -> PostgresURL {
        guard let url else { throw TestPostgresMissing() }
        let name = "gp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresDatabase.createDatabase(name, on: url)
        return url.with(database: name)
    }

    struct TestPostgresMissing: Error, CustomStringConvertible {
        var description: String { "GRIDPASS_TEST_DATABASE_URL is not set: run scripts/test, which starts a PostgreSQL cluster" }
    }
}
