import Foundation
import GridPassCore
import Logging
import ServiceLifecycle
import Synchronization

/// Writes checkpoint scans in batches: a scan is queued at once and committed with the others
/// of the last 200 ms in one transaction, so that a busy gate does not wait for a disk flush
/// per scan. The queue is flushed on shutdown; a crash can lose at most the last 200 ms of
/// scan log lines (never a registration, report or verdict, which are not queued).
final class ScanLogWriter: Service, Sendable {
    private let queue = Mutex<[ScanRecord]>([])
    private let health: any HealthRepository
    private let logger: Logger

    init(health: any HealthRepository, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    func append(_ scan: ScanRecord) {
        queue.withLock { $0.append(scan) }
    }

    func flush() async {
        let batch = queue.withLock { queue -> [ScanRecord] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !batch.isEmpty else { return }
        do {
            try await health.logScans(batch)
        } catch is CancellationError {
            // Shutting down: `run` writes them from a task of its own.
            queue.withLock { $0.insert(contentsOf: batch, at: 0) }
        } catch {
            logger.error("scan log write failed; scans kept for the next try", metadata: ["count": "\(batch.count)", "error": "\(error)"])
            queue.withLock { $0.insert(contentsOf: batch, at: 0) }
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await self.flush()
            }
        }
        // Shutting down, this task is cancelled, and GRDB refuses to start a write for a
        // cancelled task (the last scans came back with CancellationError): write them from a
        // task of their own.
        await Task.detached { await self.flush() }.value
    }
}
