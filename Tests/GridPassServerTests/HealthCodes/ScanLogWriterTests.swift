import Foundation
import GRDB
import GridPassCore
@testable import GridPassPostgres
@testable import GridPassServer
import GridPassStore
import GridPassTestSupport
import Logging
import Testing

@Suite("Scan log writer")
struct ScanLogWriterTests {
    @Test("scans queued when the writer's task is cancelled (not a graceful shutdown) are still written before it ends", arguments: Backend.all)
    func cancelled(_ backend: Backend) async throws {
        let store = try await TestApp(demo: false, backend: backend).prepared().effectiveStore
        let services = try await AppServices.open(store)
        let writer = ScanLogWriter(health: services.health, logger: Logger(label: "test"))
        let task = Task { try await writer.run() }
        for i in 0..<5 {
            writer.append(ScanRecord(checkpointID: nil, person: nil, result: "invalid", reason: "malformed", at: 1_764_201_600 + Int64(i)))
        }
        task.cancel()
        try await task.value
        let logged = try await Self.rows(store).map(\.at)
        #expect(logged == (0..<5).map { 1_764_201_600 + Int64($0) })
    }

    /// The scan log's rows, oldest first, read straight from the store (either backend).
    static func rows(_ store: AppServices.Store) async throws -> [(checkpointID: Int64?, result: String, reason: String, at: Int64)] {
        switch store {
        case .sqlite(let dir):
            let pool = try DataDirectory(path: dir).openDatabase()
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT checkpoint_id, result, reason, at FROM scan ORDER BY id").map { (checkpointID: $0[0], result: $0[1], reason: $0[2], at: $0[3]) }
            }
        case .postgres(let url, _):
            let database = try await PostgresDatabase.open(try PostgresURL(url))
            defer { database.close() }
            return try await database.client.rows("SELECT checkpoint_id, result, reason, at FROM scan ORDER BY id") {
                (checkpointID: try $0.get(0, as: Int64?.self), result: try $0.get(1, as: String.self),
                 reason: try $0.get(2, as: String.self), at: try $0.get(3, as: Int64.self))
            }
        }
    }
}
