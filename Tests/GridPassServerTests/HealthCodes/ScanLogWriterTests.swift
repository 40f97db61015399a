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
        let logged: [Int64]
        switch store {
        case .sqlite(let dir):
            let pool = try DataDirectory(path: dir).openDatabase()
            logged = try await pool.read { db in try Int64.fetchAll(db, sql: "SELECT at FROM scan ORDER BY id") }
        case .postgres(let url, _):
            let database = try await PostgresDatabase.open(try PostgresURL(url))
            defer { database.close() }
            logged = try await database.client.rows("SELECT at FROM scan ORDER BY id") { try $0.get(0, as: Int64.self) }
        }
        #expect(logged == (0..<5).map { 1_764_201_600 + Int64($0) })
    }
}
