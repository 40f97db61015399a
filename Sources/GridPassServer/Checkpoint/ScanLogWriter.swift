import Foundation
import GridPassCore
import Logging
import ServiceLifecycle
import Synchronization

/// Writes checkpoint scans in batches: a scan is queued at once and committed with the others
/// of the last 200 ms in one transaction (sooner once `batchSize` are waiting, which bounds the
/// queue), so that a busy gate does not wait for a disk flush per scan. The queue is
/// flushed on shutdown; a crash can lose at most the last 200 ms of scan log lines (never a
/// registration, report or verdict, which are not queued).
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
        } catch {
            logger.error("scan log write failed; scans kept for the next try", metadata: ["count": "\(batch.count)", "error": "\(error)"])
            queue.withLock { $0.insert(contentsOf: batch, at: 0) }
        }
    }

    static let interval: Duration = .milliseconds(200)
    static let tick: Duration = .milliseconds(20)
    static let batchSize = 5_000

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var last = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.tick)
                let waiting = self.queue.withLock { $0.count }
                guard waiting >= Self.batchSize || ContinuousClock.now - last >= Self.interval else { continue }
                last = ContinuousClock.now
                await self.flush()
            }
        }
        await flush()
    }
}
