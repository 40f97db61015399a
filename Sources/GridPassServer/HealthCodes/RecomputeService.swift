import Foundation
import GridPassCore
import Logging
import ServiceLifecycle

/// The background pass behind changes over sets (a risk change, new rules; see
/// `SQLiteHealthRepository`, "Changes over sets"): recomputes the people marked stale, `batch`
/// people a transaction, with the same decision as a person's page. It looks for marks at start
/// (a pass interrupted by a crash resumes) and every `idle` after, so it also takes up the marks
/// of a `gridpass risk set` run by another process. Between two batches it rests as long as the
/// last one took, so that scans and registrations keep at least half of the writer and a core.
struct RecomputeService: Service {
    let codes: HealthCodeService
    let health: any HealthRepository
    let logger: Logger
    var batch = 500
    var idle: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let waiting = try await health.staleCount()
                    if waiting > 0 { try await pass(waiting: waiting) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("recompute pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: idle)
            }
        }
    }

    /// Recomputes batches until none is left (or the task is cancelled: the marks stay).
    func pass(waiting: Int) async throws {
        let clock = ContinuousClock(), start = clock.now
        logger.info("recompute pass: starting", metadata: ["stale": "\(waiting)"])
        var done = 0
        while !Task.isCancelled {
            let batchStart = clock.now
            let taken = try await codes.recomputeStale(limit: batch)
            done += taken
            if taken < batch { break }
            try await Task.sleep(for: clock.now - batchStart)
        }
        logger.info("recompute pass: done", metadata: ["recomputed": "\(done)", "seconds": "\((clock.now - start).inSeconds)"])
    }
}
