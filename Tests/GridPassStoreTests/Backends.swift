import Foundation
import GridPassCore
import GridPassPostgres
@testable import GridPassStore
import GridPassTestSupport
import Testing

extension Backend {
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
