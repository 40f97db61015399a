import Foundation
import GRDB
import GridPassCore
@testable import GridPassServer
import GridPassStore
import GridPassTestSupport
import Logging
import Testing

@Suite("Scan log writer")
struct ScanLogWriterTests {
    @Test("scans queued when the writer's task is cancelled (not a graceful shutdown) are still written before it ends")
    func cancelled() async throws {
        let dir = try makeTemporaryDirectory().path
        let services = try await AppServices.open(dataDirectory: dir)
        let writer = ScanLogWriter(health: services.health, logger: Logger(label: "test"))
        let task = Task { try await writer.run() }
        for i in 0..<5 {
            writer.append(ScanRecord(checkpointID: nil, person: nil, result: "invalid", reason: "malformed", at: 1_764_201_600 + Int64(i)))
        }
        task.cancel()
        try await task.value
        let pool = try DataDirectory(path: dir).openDatabase()
        let logged = try await pool.read { db in try Int64.fetchAll(db, sql: "SELECT at FROM scan ORDER BY id") }
        #expect(logged == (0..<5).map { 1_764_201_600 + Int64($0) })
    }
}
